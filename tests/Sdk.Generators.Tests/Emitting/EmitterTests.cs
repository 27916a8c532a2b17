using Microsoft.CodeAnalysis;

namespace Braze.Generators.Tests.Emitting;

/// <summary>The generated source of every kind of payload type, as snapshots, and code that compiles without warnings.</summary>
public class EmitterTests
{
    private const string Usings = "using System; using System.Collections.Generic; using Braze;\n";

    internal const string Event = """
        using System;
        using System.Collections.Generic;
        using Braze;

        namespace Demo;

        public enum Format { Streaming, [BrazeProperty("blu-ray")] BluRay }

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
            Uri? Trailer,
            IReadOnlyList<string> Genres,
            int[] Scores,
            List<Format> Formats,
            [property: BrazeProperty("studio_name")] string Studio,
            [property: BrazeIgnore] string Secret,
            Cast? Lead,
            IReadOnlyDictionary<string, int>? Ratings,
            Dictionary<string, string> Labels);

        [BrazeObject]
        public partial record Cast(string Name, int Age);
        """;

    [Fact]
    public void Event_record_snapshot()
    {
        var (result, output, diagnostics) = GeneratorHarness.Run(Event);
        Assert.Empty(diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var sources = result.Results.Single().GeneratedSources;
        Snapshot.Verify(sources.Single(s => s.HintName.StartsWith("Demo.RentedMovie", StringComparison.Ordinal)).SourceText.ToString(), "Event_record");
        Snapshot.Verify(sources.Single(s => s.HintName.StartsWith("Demo.Cast", StringComparison.Ordinal)).SourceText.ToString(), "Object_record");
    }

    [Fact]
    public void Purchase_context_and_trigger_properties_snapshots()
    {
        var (result, output, _) = GeneratorHarness.Run("""
            using System;
            using Braze;
            namespace Demo
            {
                [BrazePurchase]
                public partial record PopcornPurchase(string Size, bool Butter);

                public partial class Outer
                {
                    [BrazeContext]
                    public partial record WelcomeContext(string CouponCode, DateTimeOffset ExpiresAt);
                }

                [BrazeTriggerProperties(NamingPolicy = BrazeNamingPolicy.CamelCase)]
                public partial record struct OrderTrigger(string OrderId, decimal Total);
            }
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var sources = result.Results.Single().GeneratedSources.ToDictionary(s => s.HintName.Split('.')[1], s => s.SourceText.ToString());
        Snapshot.Verify(sources["PopcornPurchase"], "Purchase_record");
        Snapshot.Verify(sources["Outer"], "Context_record_nested_in_a_class");
        Snapshot.Verify(sources["OrderTrigger"], "Trigger_properties_record_struct");
    }

    [Fact]
    public void User_attributes_builder_snapshot()
    {
        var (result, output, _) = GeneratorHarness.Run("""
            using System;
            using System.Collections.Generic;
            using Braze;
            namespace Demo;
            [BrazeObject] public partial record Pet(int Id, string Name);
            [BrazeUserAttributes]
            public partial record MemberProfile(bool VipMember, int LoyaltyPoints, IReadOnlyList<string> FavoriteGenres, DateTimeOffset? LastRentalAt, Pet? Favorite, IReadOnlyList<Pet> Pets);
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var source = result.Results.Single().GeneratedSources.Single(s => s.HintName.StartsWith("Demo.MemberProfile", StringComparison.Ordinal));
        Snapshot.Verify(source.SourceText.ToString(), "User_attributes_builder");
    }

    [Fact]
    public void Enums_without_members_or_with_aliases_compile_without_warnings()
    {
        var (result, output, _) = GeneratorHarness.Run(Usings + """
            namespace Demo;
            public enum Empty { }
            public enum Aliased { First = 1, One = 1, Second = 2 }
            [BrazeEvent("e")] public partial record Odd(Empty E, Aliased A, Aliased[] Many);
            [BrazeUserAttributes] public partial record OddProfile(Empty E, Aliased A, IReadOnlyList<Aliased> Many);
            """);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var odd = result.Results.Single().GeneratedSources.Single(s => s.HintName.StartsWith("Demo.Odd.", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("global::Demo.Aliased.First => \"first\", global::Demo.Aliased.Second => \"second\", _ =>", odd, StringComparison.Ordinal);
    }
}
