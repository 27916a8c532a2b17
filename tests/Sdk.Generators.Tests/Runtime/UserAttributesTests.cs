using System.Text.Json.Nodes;

namespace Braze.Generators.Tests.Runtime;

public class UserAttributesTests
{
    private static readonly DateTimeOffset s_time = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_builder_writes_every_operation_for_one_user_with_events_and_purchases()
    {
        var request = MemberProfile.Update(UserId.External("user1"))
            .SetVipMember(true)
            .IncrementLoyaltyPoints(50)
            .AddFavoriteGenres("noir")
            .RemoveFavoriteGenres("comedy")
            .SetLastRentalAt(s_time)
            .SetPreferredFormat(Format.BluRay)
            .SetFavoriteActor(new Cast("Ann", 40))
            .AddPets(new Cast("Rex", 3))
            .UnsetLastCoupon()
            .SetFirstName("Ann")
            .Track(new RentedMovie("m", null, 1m, 1, null, 1, false, s_time, null, Format.Streaming, Guid.Empty, [], [], "s", "x", null), at: s_time)
            .Purchase("popcorn", "USD", 3.5m, s_time, quantity: 2)
            .ToTrackRequest();

        Assert.True(request.Validate().IsValid, string.Join("; ", request.Validate().Errors));
        var json = JsonNode.Parse(request.ToJson())!;
        var attributes = json["attributes"]![0]!;
        Assert.Equal("user1", attributes["external_id"]!.GetValue<string>());
        Assert.True(attributes["vip_member"]!.GetValue<bool>());
        Assert.Equal(50, attributes["loyalty_points"]!["inc"]!.GetValue<int>());
        Assert.Equal("noir", attributes["favorite_genres"]!["add"]![0]!.GetValue<string>());
        Assert.Equal("comedy", attributes["favorite_genres"]!["remove"]![0]!.GetValue<string>());
        Assert.Equal("2024-05-01T12:00:00.000Z", attributes["last_rental_at"]!.GetValue<string>());
        Assert.Equal("blu-ray", attributes["preferred_format"]!.GetValue<string>());
        Assert.Equal("Ann", attributes["favorite_actor"]!["name"]!.GetValue<string>());
        Assert.Equal("Rex", attributes["pets"]!["$add"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(JsonValueKind(null), attributes["last_coupon"]);
        Assert.Equal("Ann", attributes["first_name"]!.GetValue<string>());
        Assert.Equal("rented_movie", json["events"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("user1", json["events"]![0]!["external_id"]!.GetValue<string>());
        Assert.Equal(2, json["purchases"]![0]!["quantity"]!.GetValue<int>());
        Assert.True(BrazePayloadValidator.ValidateTrackRequest(request.ToJson()).IsValid);
    }

    private static JsonNode? JsonValueKind(JsonNode? node) => node;

    [Fact]
    public void The_user_update_step_form_has_no_identifier_and_takes_typed_liquid()
    {
        var json = MemberProfile.UserUpdateStep()
            .SetLastCoupon(WelcomeContext.Liquid.CouponCode)
            .IncrementLoyaltyPointsLiquid("{{context.${points}}}")
            .SetVipMemberLiquid("{{context.${vip}}}")
            .ToJson();

        Assert.Equal("""{"attributes":[{"last_coupon":"{{context.${coupon_code}}}","loyalty_points":{"inc":{{context.${points}}}},"vip_member":{{context.${vip}}}}]}""", json);
        Assert.True(BrazePayloadValidator.ValidateUserUpdateStep(json).IsValid);
    }

    [Fact]
    public void Liquid_is_refused_in_a_users_track_request_and_identifiers_in_a_step()
    {
        var ex = Assert.Throws<BrazeValidationException>(() => MemberProfile.Update(UserId.External("u")).SetVipMemberLiquid("{{x}}").ToJson());
        Assert.Equal("attributes[0].vip_member", ex.Errors.Single().Path);
        var step = MemberProfile.UserUpdateStep().SetVipMember(true);
        step.Attributes.Set("x", new string('y', 256));
        Assert.Throws<BrazeValidationException>(() => step.ToJson());
    }

    [Fact]
    public void A_standard_field_member_of_its_own_type_goes_through_the_standard_setter()
    {
        var json = JsonNode.Parse(ContactProfile.Update(UserId.External("u"))
            .SetFirstName("Ann")
            .SetDateOfBirth(new DateOnly(1990, 2, 3))
            .IncrementVisits(2)
            .ToJson())!;
        var attributes = json["attributes"]![0]!;
        Assert.Equal("Ann", attributes["first_name"]!.GetValue<string>());
        Assert.Equal("1990-02-03", attributes["dob"]!.GetValue<string>());
        Assert.Equal(2, attributes["visits"]!["inc"]!.GetValue<int>());
    }

    [Fact]
    public void A_dictionary_member_is_a_nested_custom_attribute_validated_as_one()
    {
        var json = JsonNode.Parse(ContactProfile.Update(UserId.External("u"))
            .SetMilestones(new Dictionary<string, DateTimeOffset> { ["joined"] = s_time })
            .SetLabels(new Dictionary<string, string?> { ["tier"] = "gold" })
            .ToJson())!;
        var attributes = json["attributes"]![0]!;
        Assert.Equal("2024-05-01T12:00:00.000Z", attributes["milestones"]!["joined"]!["$time"]!.GetValue<string>());
        Assert.Equal("gold", attributes["labels"]!["tier"]!.GetValue<string>());

        var invalid = ContactProfile.Update(UserId.External("u")).SetLabels(new Dictionary<string, string?> { ["a.b"] = "x", ["c"] = null });
        var errors = invalid.ToTrackRequest().Validate().Errors.Select(e => e.Path).ToList();
        Assert.Contains("attributes[0].labels[\"a.b\"]", errors);
        Assert.Contains("attributes[0].labels.c", errors);
    }
}
