namespace Braze.Generators.Tests.Runtime;

public enum Format
{
    Streaming,
    [BrazeProperty("blu-ray")]
    BluRay,
}

[BrazeEvent("rented_movie")]
public partial record RentedMovie(
    string Movie,
    string? Director,
    decimal Price,
    int Rank,
    long? Views,
    double Rating,
    bool Rewatch,
    DateTimeOffset ReleasedAt,
    DateOnly? AvailableFrom,
    Format Format,
    Guid Id,
    IReadOnlyList<string> Genres,
    int[] Scores,
    [property: BrazeProperty("studio_name")] string Studio,
    [property: BrazeIgnore] string Secret,
    Cast? Lead,
    Dictionary<string, int>? Ratings = null);

[BrazeObject]
public partial record Cast(string Name, int Age);

[BrazePurchase]
public partial record PopcornPurchase(string Size, bool Butter);

[BrazeContext]
public partial record WelcomeContext(string CouponCode, DateTimeOffset ExpiresAt);

[BrazeUserAttributes]
public partial record MemberProfile(
    bool VipMember,
    int LoyaltyPoints,
    IReadOnlyList<string> FavoriteGenres,
    DateTimeOffset? LastRentalAt,
    string? LastCoupon,
    Format PreferredFormat,
    Cast? FavoriteActor,
    IReadOnlyList<Cast> Pets);

[BrazeObject]
public partial record Media(string Title, int Year);

[BrazeEvent("rented_sequel")]
public partial record RentedSequel(string Title, int Year, decimal Price, int Part) : Media(Title, Year);

[BrazeUserAttributes]
public partial record ContactProfile(string? FirstName, DateOnly? Dob, int Visits, IReadOnlyDictionary<string, DateTimeOffset>? Milestones, Dictionary<string, string?>? Labels);

[BrazeEvent("quoted \"event\"")]
public partial record OddNames(
    [property: BrazeProperty("say \"hi\"")] string Quote,
    [property: BrazeProperty("back\\slash")] int Slash,
    [property: BrazeProperty("café ☕")] bool Unicode,
    [property: BrazeProperty("tab\there")] string Tab);
