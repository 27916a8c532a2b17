#!/usr/bin/env bash
# Packs Braze.Sdk, then builds and runs a fresh console project that restores it from a local folder feed and uses
# [BrazeEvent]: proves the runtime dll is in lib/ and the generator works from analyzers/dotnet/cs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
dotnet pack "$root/src/Sdk/Sdk.csproj" -c Release -o "$feed" -p:Version=0.0.0-packagetest --nologo -v quiet
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
cat > app.csproj <<'XML'
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
    <PackageReference Include="Braze.Sdk" Version="0.0.0-packagetest" />
  </ItemGroup>
</Project>
XML
cat > Program.cs <<'CS'
using Braze;
var request = new TrackRequest().Add(new RentedMovie("The Sad Egg", 4.99m).ToEvent(UserId.External("u1"), new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero)));
if (!request.Validate().IsValid) { Console.WriteLine("invalid"); return 1; }
Console.WriteLine(request.ToJson());
return 0;

[BrazeEvent("rented_movie")]
public partial record RentedMovie(string Movie, decimal Price);
CS
dotnet run --nologo -v quiet > out.txt
cat out.txt
grep -q '"properties":{"movie":"The Sad Egg","price":4.99}' out.txt
echo "package test: OK"
