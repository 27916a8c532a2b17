using System.Buffers;
using System.Text.Json;
using Braze.Rules;

namespace Braze.Tests.Checks;

/// <summary>The identity requests on both faces: the typed request's errors, and the JSON validator's on the body it writes, are the same.</summary>
public class IdentityValidationTests
{
    private static (string Path, string Code)[] Typed(UserOperation operation)
        => [.. operation.Validate(null).Errors.Select(e => (e.Path, e.Code)).OrderBy(e => e.Path, StringComparer.Ordinal)];

    private static (string Path, string Code)[] Json(UserOperation operation, string path)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            operation.WriteTo(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return [.. BrazePayloadValidator.ValidateUserOperation(document.RootElement, path).Errors.Select(e => (e.Path, e.Code)).OrderBy(e => e.Path, StringComparer.Ordinal)];
    }

    public static TheoryData<string, string, (string, string)[]> Cases()
    {
        var fiftyOne = Enumerable.Range(0, 51).ToList();
        return new()
        {
            { "/users/alias/new", "valid", [] },
            { "/users/alias/new", "empty label", [("user_aliases[0].alias_label", ValidationCodes.IdentifierInvalid)] },
            { "/users/alias/new", "51", [("user_aliases", ValidationCodes.TooManyObjects)] },
            { "/users/alias/update", "empty new name", [("alias_updates[0].new_alias_name", ValidationCodes.IdentifierInvalid)] },
            { "/users/identify", "empty external id", [("aliases_to_identify[0].external_id", ValidationCodes.IdentifierInvalid)] },
            { "/users/identify", "bad email", [("emails_to_identify[0].email", ValidationCodes.StandardAttributeInvalid)] },
            { "/users/external_ids/rename", "empty new id", [("external_id_renames[0].new_external_id", ValidationCodes.IdentifierInvalid)] },
            { "/users/external_ids/remove", "none", [("external_ids", ValidationCodes.Required)] },
            { "/users/merge", "empty alias name", [("merge_updates[0].identifier_to_keep.user_alias.alias_name", ValidationCodes.IdentifierInvalid)] },
            { "/users/merge", "bad phone", [("merge_updates[0].identifier_to_merge.phone", ValidationCodes.StandardAttributeInvalid)] },
            { "/users/delete", "51", [("$", ValidationCodes.TooManyObjects)] },
            { "/users/delete", "empty braze id", [("braze_ids[0]", ValidationCodes.IdentifierInvalid)] },
            { "/v2/subscription/status/set", "bad email", [("subscription_groups[0].emails[0]", ValidationCodes.StandardAttributeInvalid)] },
            { "/v2/subscription/status/set", "51", [("$", ValidationCodes.TooManyObjects)] },
        };
    }

    private static UserOperation Build(string path, string variant) => (path, variant) switch
    {
        ("/users/alias/new", "valid") => UserOperation.NewAliases([new NewUserAlias("n", "l", "u")]),
        ("/users/alias/new", "empty label") => UserOperation.NewAliases([new NewUserAlias("n", "")]),
        ("/users/alias/new", "51") => UserOperation.NewAliases([.. Enumerable.Range(0, 51).Select(i => new NewUserAlias($"n{i}", "l"))]),
        ("/users/alias/update", _) => UserOperation.UpdateAliases([new UserAliasUpdate("l", "a", "")]),
        ("/users/identify", "empty external id") => UserOperation.Identify([new UserIdentification("", UserId.Alias("n", "l"))], MergeBehavior.Merge),
        ("/users/identify", _) => UserOperation.Identify([new UserIdentification("u", UserId.Email("not-an-email"))], MergeBehavior.None),
        ("/users/external_ids/rename", _) => UserOperation.Rename([new ExternalIdRename("a", "")]),
        ("/users/external_ids/remove", _) => UserOperation.RemoveExternalIds([]),
        ("/users/merge", "empty alias name") => UserOperation.Merge([new UserMerge(UserId.External("a"), UserId.Alias("", "l"))]),
        ("/users/merge", _) => UserOperation.Merge([new UserMerge(UserId.Phone("12"), UserId.External("b"))]),
        ("/v2/subscription/status/set", "bad email") => UserOperation.SubscriptionStatus([new SubscriptionStatusUpdate(new SubscriptionGroupChange("g", true), [UserId.External("u"), UserId.Email("nope")])]),
        ("/v2/subscription/status/set", _) => UserOperation.SubscriptionStatus([new SubscriptionStatusUpdate(new SubscriptionGroupChange("g", false), Enumerable.Range(0, 51).Select(i => UserId.External($"u{i}")))]),
        ("/users/delete", "51") => UserOperation.Delete([.. Enumerable.Range(0, 51).Select(i => UserId.External($"u{i}"))]),
        _ => UserOperation.Delete([UserId.BrazeId("")]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Both_faces_report_the_same_paths_and_codes(string path, string variant, (string, string)[] expected)
    {
        var operation = Build(path, variant);
        Assert.Equal(expected, Typed(operation));
        Assert.Equal(expected, Json(operation, path));
    }

    [Fact]
    public void A_phone_in_a_delete_and_a_braze_id_in_a_merge_are_refused_by_the_typed_face()
    {
        Assert.Equal(ValidationCodes.IdentifierInvalid, Typed(UserOperation.Delete([UserId.Phone("+14155552671")])).Single().Code);
        Assert.Equal(("merge_updates[0].identifier_to_merge", ValidationCodes.IdentifierInvalid), Typed(UserOperation.Merge([new UserMerge(UserId.BrazeId("b"), UserId.External("k"))])).Single());
        using var body = JsonDocument.Parse("""{"merge_updates":[{"identifier_to_merge":{"braze_id":"b"},"identifier_to_keep":{"external_id":"k"}}]}""");
        Assert.Equal(
            ("merge_updates[0].identifier_to_merge", ValidationCodes.IdentifierInvalid),
            BrazePayloadValidator.ValidateUserOperation(body.RootElement, "/users/merge").Errors.Select(e => (e.Path, e.Code)).Single());
    }

    [Fact]
    public void An_email_without_prioritization_is_refused_on_the_JSON_face()
    {
        using var body = JsonDocument.Parse("""{"email_addresses":[{"email":"a@example.com"}]}""");
        Assert.Equal(("email_addresses[0].prioritization", ValidationCodes.Required), BrazePayloadValidator.ValidateUserOperation(body.RootElement, "/users/delete").Errors.Select(e => (e.Path, e.Code)).Single());
    }
}
