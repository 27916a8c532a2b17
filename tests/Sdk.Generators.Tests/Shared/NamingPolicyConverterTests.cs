namespace Braze.Generators.Tests.Shared;

/// <summary>
/// The naming policies of src/Shared/BrazeNamingPolicy.cs, which the generator names members and enum values with
/// (the tests see the runtime's copy of the same source).
/// </summary>
public class NamingPolicyConverterTests
{
    [Theory]
    [InlineData("ReleasedAt", "released_at", "releasedAt")]
    [InlineData("Id", "id", "id")]
    [InlineData("HTTPStatus2Code", "http_status2_code", "hTTPStatus2Code")]
    [InlineData("MovieID", "movie_id", "movieID")]
    [InlineData("Already_Snake", "already_snake", "already_Snake")]
    [InlineData("lower", "lower", "lower")]
    [InlineData("", "", "")]
    public void Each_policy_converts_as_documented(string name, string snake, string camel)
    {
        Assert.Equal(snake, NamingPolicyConverter.Convert(name, BrazeNamingPolicy.SnakeCase));
        Assert.Equal(camel, NamingPolicyConverter.Convert(name, BrazeNamingPolicy.CamelCase));
        Assert.Equal(name, NamingPolicyConverter.Convert(name, BrazeNamingPolicy.AsDeclared));
    }

    [Fact]
    public void A_value_outside_the_enum_names_as_the_default()
        => Assert.Equal("released_at", NamingPolicyConverter.Convert("ReleasedAt", (BrazeNamingPolicy)7));
}
