#!/usr/bin/env bash
# Packs Braze.Sdk, Braze.Sdk.Outbox.Sqlite, Braze.Sdk.Outbox.PostgreSql, Braze.Sdk.Emulator and Braze.Sdk.Testing, then builds and runs a fresh console project that
# restores them from a local folder feed, uses [BrazeEvent], starts the emulator in-process and sends the event to it
# through AddBraze, then once more through the tracker with a SQLite outbox: proves the runtime dll is in lib/, the
# generator works from analyzers/dotnet/cs, the outbox package brings SQLite (the core package does not) and the
# emulator package runs; the PostgreSQL outbox package restores and registers (without a server: none runs yet).
# Then a project with a bad record runs `dotnet format analyzers`: the code fixes packed beside the generator
# (Braze.Sdk.CodeFixes.dll) rewrite it into a record that builds. Last, the tracking plan: its baseline files, the fix
# that adds new names to them, and the JSON and Markdown the build writes.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
# A version of its own per run: the global NuGet cache keeps what a package id and version once held, so a fixed
# version would test a stale build on any machine that ran this before.
version="0.0.0-packagetest.$(date +%s).$$"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
trap 'rm -rf "$work" "$packages/braze.sdk/$version" "$packages/braze.sdk.outbox.sqlite/$version" "$packages/braze.sdk.outbox.postgresql/$version" "$packages/braze.sdk.emulator/$version" "$packages/braze.sdk.testing/$version"' EXIT
feed="$work/feed"
dotnet pack "$root/src/Sdk/Sdk.csproj" -c Release -o "$feed" -p:Version=$version --nologo -v quiet
dotnet pack "$root/src/Sdk.Outbox.Sqlite/Sdk.Outbox.Sqlite.csproj" -c Release -o "$feed" -p:Version=$version --nologo -v quiet
dotnet pack "$root/src/Sdk.Outbox.PostgreSql/Sdk.Outbox.PostgreSql.csproj" -c Release -o "$feed" -p:Version=$version --nologo -v quiet
dotnet pack "$root/src/Sdk.Emulator/Sdk.Emulator.csproj" -c Release -o "$feed" -p:Version=$version --nologo -v quiet
dotnet pack "$root/src/Sdk.Testing/Sdk.Testing.csproj" -c Release -o "$feed" -p:Version=$version --nologo -v quiet
if unzip -l "$feed/Braze.Sdk.$version.nupkg" | grep -q . && unzip -p "$feed/Braze.Sdk.$version.nupkg" '*.nuspec' | grep -qiE 'sqlite|npgsql'; then
  echo "Braze.Sdk must not depend on SQLite or Npgsql; the outbox packages bring them" >&2
  exit 1
fi
for dll in Braze.Sdk.Generators.dll Braze.Sdk.CodeFixes.dll; do
  if ! unzip -l "$feed/Braze.Sdk.$version.nupkg" | grep -q "analyzers/dotnet/cs/$dll"; then
    echo "Braze.Sdk must carry analyzers/dotnet/cs/$dll" >&2
    exit 1
  fi
done
mkdir -p "$work/app"
cd "$work/app"
cat > nuget.config <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local" value="$feed" />
    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
  </packageSources>
</configuration>
XML
cat > app.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <NoWarn>NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Braze.Sdk" Version="$version" />
    <PackageReference Include="Braze.Sdk.Outbox.Sqlite" Version="$version" />
    <PackageReference Include="Braze.Sdk.Outbox.PostgreSql" Version="$version" />
    <PackageReference Include="Braze.Sdk.Emulator" Version="$version" />
    <PackageReference Include="Braze.Sdk.Testing" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using Braze;
using Braze.Emulator;
using Microsoft.Extensions.DependencyInjection;

var request = new TrackRequest().Add(new RentedMovie("The Sad Egg", 4.99m).ToEvent(UserId.External("u1"), new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero)));
if (!request.Validate().IsValid) { Console.WriteLine("invalid"); return 1; }
Console.WriteLine(request.ToJson());

await using var emulator = await BrazeEmulator.StartAsync();
var services = new ServiceCollection();
services.AddBraze(o => { o.ApiKey = emulator.ApiKey; o.BaseUrl = emulator.BaseUrl; });
await using var provider = services.BuildServiceProvider();
var braze = provider.GetRequiredService<IBrazeClient>();
var result = await braze.TrackAsync(request);
var export = await braze.ExportUsersAsync(["u1"]);
Console.WriteLine($"emulator: {result.EventsProcessed} event(s) processed, {export.Users.Count} profile(s) exported");

var outboxServices = new ServiceCollection();
outboxServices.AddBraze(o => { o.ApiKey = emulator.ApiKey; o.BaseUrl = emulator.BaseUrl; });
outboxServices.AddBrazeSqliteOutbox(Path.Combine(AppContext.BaseDirectory, "braze-outbox.db")); // inside the test's temporary folder
await using (var outboxProvider = outboxServices.BuildServiceProvider())
{
    var tracker = outboxProvider.GetRequiredService<IBrazeTracker>();
    await tracker.Track(new RentedMovie("Noir", 2.99m).ToEvent(UserId.External("u2"), new DateTimeOffset(2024, 5, 2, 0, 0, 0, TimeSpan.Zero)));
    Console.WriteLine("tracker: delivered through the SQLite outbox");
}

await using (var inMemory = new Braze.Testing.InMemoryBraze())
{
    await inMemory.Client.TrackAsync(request);
    Console.WriteLine($"testing: {inMemory.Events.Count} event(s) recorded in memory");
}

var fleet = new ServiceCollection().AddBrazePostgreSqlOutbox("Host=127.0.0.1;Database=braze").BuildServiceProvider();
Console.WriteLine($"postgresql outbox: registered as {fleet.GetRequiredService<PostgreSqlOutbox>().GetType().Name}");

return 0;

[BrazeEvent("rented_movie")]
public partial record RentedMovie(string Movie, decimal Price);
CS
dotnet run --nologo -v quiet > out.txt
cat out.txt
grep -q '"properties":{"movie":"The Sad Egg","price":4.99}' out.txt
grep -q 'emulator: 1 event(s) processed, 1 profile(s) exported' out.txt
grep -q 'testing: 1 event(s) recorded in memory' out.txt
grep -q 'tracker: delivered through the SQLite outbox' out.txt

# The code fixes from the command line (docs/diagnostics/README.md): a record that breaks four rules is rewritten by
# `dotnet format analyzers`, then builds with warnings as errors (so the generator accepts it).
mkdir -p "$work/fix"
cd "$work/fix"
cp ../app/nuget.config .
cat > fix.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <NoWarn>NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Braze.Sdk" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > Rental.cs <<'CS'
using Braze;

[BrazeEvent("rented_movie")]
public record Rental(string Movie, DateTime Time, [property: BrazeProperty("$price")] decimal Price, IReadOnlyList<DateTimeOffset> Showings);
CS
cat > expected.txt <<'CS'
using System.Globalization;
using Braze;

[BrazeEvent("rented_movie")]
public partial record Rental(string Movie, [property: BrazeProperty("time_value")] DateTimeOffset Time, [property: BrazeProperty("price")] decimal Price, [property: BrazeIgnore] IReadOnlyList<DateTimeOffset> Showings)
{
    /// <summary>The times of <see cref="Showings"/> as ISO 8601 strings, since Braze takes no times inside an array.</summary>
    [BrazeProperty("showings")]
    public IReadOnlyList<string> ShowingsAsText => Showings.Select(t => t.ToString("O", CultureInfo.InvariantCulture)).ToList();
}
CS
dotnet restore --nologo -v quiet
dotnet format analyzers fix.csproj --diagnostics BRZ0001 BRZ0003 BRZ0004 BRZ0008 BRZ0009 --severity info --no-restore
if ! diff -u expected.txt Rental.cs; then
  echo "dotnet format analyzers did not apply the Braze code fixes as expected" >&2
  exit 1
fi
dotnet build --nologo -v quiet --no-restore

# The tracking plan (docs/tracking-plan.md) from the package: BrazeTrackingPlan.*.txt beside the project are read
# without being listed, a renamed shipped property is BRZ0013 and the new names BRZ0014, `dotnet format analyzers`
# adds the new names to Unshipped (an additional file), and BrazeTrackingPlanOutput writes the plan as JSON and
# Markdown through the buildTransitive target.
mkdir -p "$work/plan"
cd "$work/plan"
cp ../app/nuget.config .
cat > plan.csproj <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFrameworks>net10.0;net8.0</TargetFrameworks>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <NoWarn>NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Braze.Sdk" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > Rental.cs <<'CS'
using Braze;

[BrazeEvent("rented_movie")]
public partial record RentedMovie(string Title, decimal Price);
CS
printf 'event rented_movie\nevent rented_movie.properties.movie: string\n' > BrazeTrackingPlan.Shipped.txt
: > BrazeTrackingPlan.Unshipped.txt
dotnet restore --nologo -v quiet
dotnet build --nologo --no-restore -p:TargetFramework=net10.0 > build.txt 2>&1 || { cat build.txt; exit 1; }
for expected in "BrazeTrackingPlan.Shipped.txt(2,1): warning BRZ0013: 'event rented_movie.properties.movie: string'" \
                "warning BRZ0014: 'event rented_movie.properties.title: string' is not in the tracking plan" \
                "warning BRZ0014: 'event rented_movie.properties.price: number' is not in the tracking plan"; do
  if ! grep -qF "$expected" build.txt; then
    cat build.txt
    echo "the tracking plan's baseline did not report: $expected" >&2
    exit 1
  fi
done
dotnet format analyzers plan.csproj --diagnostics BRZ0014 --severity info --no-restore
printf 'event rented_movie.properties.price: number\nevent rented_movie.properties.title: string\n' > expected.txt
if ! diff -u expected.txt BrazeTrackingPlan.Unshipped.txt; then
  echo "dotnet format analyzers did not add the new names to BrazeTrackingPlan.Unshipped.txt" >&2
  exit 1
fi
# The rename accepted: nothing left to report, with warnings as errors, for both target frameworks.
printf '*REMOVED*event rented_movie.properties.movie: string\n' | cat - BrazeTrackingPlan.Unshipped.txt > unshipped.txt
mv unshipped.txt BrazeTrackingPlan.Unshipped.txt
dotnet build --nologo -v quiet --no-restore -p:TreatWarningsAsErrors=true -p:BrazeTrackingPlanOutput=tracking-plan
grep -qF '{ "name": "title", "type": "string" }' tracking-plan/BrazeTrackingPlan.json
grep -qF '"records": ["RentedMovie"]' tracking-plan/BrazeTrackingPlan.json
grep -qF '| `price` | number |' tracking-plan/BrazeTrackingPlan.md
echo "package test: OK"
