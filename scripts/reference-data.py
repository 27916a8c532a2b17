#!/usr/bin/env python3
"""Regenerates src/Sdk/Rules/ReferenceData.cs from Debian's iso-codes and tzdata packages.

Usage: apt-get install iso-codes tzdata && python3 scripts/reference-data.py
"""
import json, os

root = os.path.join(os.path.dirname(__file__), '..', 'src', 'Sdk', 'Rules', 'ReferenceData.cs')
countries = sorted(x['alpha_2'] for x in json.load(open('/usr/share/iso-codes/json/iso_3166-1.json'))['3166-1'])
langs = sorted(set(x['alpha_2'] for x in json.load(open('/usr/share/iso-codes/json/iso_639-2.json'))['639-2'] if 'alpha_2' in x))
zones = set()
for line in open('/usr/share/zoneinfo/tzdata.zi'):
    p = line.split()
    if p and p[0] == 'Z':
        zones.add(p[1])
    elif p and p[0] == 'L':
        zones.add(p[2])
zones = sorted(zones)

def arr(xs, per):
    return '\n'.join('        ' + ', '.join('"%s"' % x for x in xs[i:i + per]) + ',' for i in range(0, len(xs), per))

def block(doc, name, xs, per):
    return f'''    /// <summary>{doc} ({len(xs)}).</summary>
    public static readonly FrozenSet<string> {name} = FrozenSet.ToFrozenSet(
    [
{arr(xs, per)}
    ], StringComparer.Ordinal);
'''

src = '''// Reference lists shipped with the SDK. Generated once from Debian's iso-codes 4.15 (ISO 3166-1,
// ISO 639-1 via 639-2) and tzdata (IANA zones and links). Regenerate with scripts/reference-data.py
// (currencies: Currencies.cs, from SIX's list one by scripts/iso4217.py).
using System.Collections.Frozen;

namespace Braze.Rules;

internal static class ReferenceData
{
''' + block('ISO 3166-1 alpha-2 country codes', 'Countries', countries, 16) + '\n' \
    + block('ISO 639-1 language codes', 'Languages', langs, 16) + '\n' \
    + block('IANA time zone names, canonical zones and links', 'TimeZones', zones, 4) + '}\n'
open(root, 'w').write(src)
print(len(countries), len(langs), len(zones))
