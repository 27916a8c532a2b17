using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Braze.Generators.Model;
using Braze.Generators.Parsing;
using Braze.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Braze.Generators.Checking;

/// <summary>
/// One entry of the tracking plan as the code declares it: the member it comes from (null: the event name of the
/// marker) and the <c>[BrazeProperty]</c> that named it (where a diagnostic points), and whether the entry is judged
/// against the baseline and other records (false when the type or the member breaks a rule of error severity: its own
/// diagnostic comes first, and its fix may rename it).
/// </summary>
internal readonly record struct PlanOccurrence(PlanEntry Entry, IPropertySymbol? Member, AttributeData? NameSource, bool Judged);

/// <summary>An entry line of a plan file, where it is (for a diagnostic on it).</summary>
internal sealed record PlanFileLine(string Path, string FileName, PlanLine Line, TextSpan Span, LinePositionSpan LineSpan);

/// <summary>
/// The reviewed tracking plan: the lines of <c>BrazeTrackingPlan.Shipped.txt</c> and
/// <c>BrazeTrackingPlan.Unshipped.txt</c> (AdditionalFiles; docs/tracking-plan.md). Null from <see cref="Read"/> when
/// the project has neither file: then nothing is judged against a baseline.
/// </summary>
internal sealed class PlanBaseline
{
    private readonly HashSet<string> _lines = new(System.StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _linesByKey = new(System.StringComparer.Ordinal);

    /// <summary>The entry lines of the Shipped file.</summary>
    public List<PlanFileLine> Shipped { get; } = [];

    /// <summary>The entry lines of the Unshipped file, without its <c>*REMOVED*</c> lines.</summary>
    public List<PlanFileLine> Unshipped { get; } = [];

    /// <summary>The <c>*REMOVED*</c> lines of the Unshipped file.</summary>
    public List<PlanFileLine> Removed { get; } = [];

    /// <summary>Lines of either file that are not entries (or <c>*REMOVED*</c> lines in the Shipped file).</summary>
    public List<PlanFileLine> Malformed { get; } = [];

    /// <summary>Reads the plan files among <paramref name="files"/> (matched by file name, any folder), or null when there are none.</summary>
    public static PlanBaseline? Read(ImmutableArray<AdditionalText> files, CancellationToken cancellationToken)
    {
        PlanBaseline? baseline = null;
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var file in files)
        {
            var name = Path.GetFileName(file.Path);
            var shipped = string.Equals(name, DiagnosticIds.TrackingPlanShipped, System.StringComparison.OrdinalIgnoreCase);
            if ((!shipped && !string.Equals(name, DiagnosticIds.TrackingPlanUnshipped, System.StringComparison.OrdinalIgnoreCase)) || !seen.Add(file.Path))
            {
                continue;
            }

            baseline ??= new PlanBaseline();
            if (file.GetText(cancellationToken) is { } text)
            {
                baseline.Add(file.Path, shipped ? DiagnosticIds.TrackingPlanShipped : DiagnosticIds.TrackingPlanUnshipped, text, shipped);
            }
        }

        return baseline;
    }

    private void Add(string path, string fileName, SourceText text, bool shipped)
    {
        foreach (var textLine in text.Lines)
        {
            if (PlanText.Parse(textLine.ToString()) is not { } line)
            {
                continue;
            }

            var entry = new PlanFileLine(path, fileName, line, textLine.Span, text.Lines.GetLinePositionSpan(textLine.Span));
            if (!line.WellFormed || (shipped && line.Removed))
            {
                Malformed.Add(entry);
            }
            else if (line.Removed)
            {
                Removed.Add(entry);
            }
            else
            {
                (shipped ? Shipped : Unshipped).Add(entry);
                if (_lines.Add(line.Text))
                {
                    if (!_linesByKey.TryGetValue(line.Key, out var same))
                    {
                        _linesByKey[line.Key] = same = [];
                    }

                    same.Add(line.Text);
                }
            }
        }
    }

    /// <summary>The plan lists <paramref name="line"/> (Shipped or Unshipped).</summary>
    public bool Lists(string line) => _lines.Contains(line);

    /// <summary>The lines the plan has for the name of <paramref name="entry"/> with another type, sorted.</summary>
    public IEnumerable<string> OtherTypes(PlanEntry entry)
        => _linesByKey.TryGetValue(entry.Key, out var lines) ? lines.Where(l => l != entry.Line).OrderBy(l => l, System.StringComparer.Ordinal) : [];
}

/// <summary>A line of a plan file that does not match the code, and why (the end of BRZ0013's message).</summary>
internal readonly record struct PlanDrift(PlanFileLine Line, string Reason);

/// <summary>The occurrence at <paramref name="Index"/>, sent as one Braze type where another record sends another (BRZ0015).</summary>
internal readonly record struct PlanConflict(int Index, string What, string Others);

/// <summary>
/// The tracking plan's rules: the entries a parsed type declares, the baseline's lines the code no longer matches
/// (BRZ0013), a new entry (BRZ0014, judged per type by the analyzer), and a name sent as two Braze types (BRZ0015).
/// </summary>
internal static class PlanChecker
{
    /// <summary>
    /// The entries <paramref name="parsed"/> declares: for an event its name, then each sent member with a Braze type
    /// (on an attributes record, custom attributes only: standard profile fields are Braze's, not the plan's).
    /// </summary>
    public static List<PlanOccurrence> Entries(ParsedType parsed, List<Problem> problems)
    {
        var occurrences = new List<PlanOccurrence>();
        if (TrackingPlan.SectionOf(parsed.Kind) is not { } section)
        {
            return occurrences;
        }

        var record = parsed.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat).Replace("global::", string.Empty);

        // An error about the type (not partial, not supported) or its event name comes first: nothing is judged.
        var typeJudged = !problems.Any(p => p.Member is null && IsError(p));
        var eventName = string.Empty;
        if (section == PlanSection.Event)
        {
            if (parsed.EventName is not { Length: > 0 } name)
            {
                // No event name (or not a string constant): BRZ0002, or no plan to speak of.
                return occurrences;
            }

            eventName = name;
            occurrences.Add(new PlanOccurrence(TrackingPlan.EventEntry(name, record), null, null, typeJudged));
        }

        foreach (var member in parsed.Members)
        {
            var c = member.Classification;
            var type = TrackingPlan.TypeOf(c.Kind, c.IsCollection, c.IsDictionary);
            if (type == PlanType.None || member.StandardField != StandardFieldKind.None)
            {
                continue;
            }

            var judged = typeJudged && !problems.Any(p => IsError(p) && SymbolEqualityComparer.Default.Equals(p.Member, member.Property));
            occurrences.Add(new PlanOccurrence(new PlanEntry(section, eventName, member.WireName, type, record), member.Property, member.NameSource, judged));
        }

        return occurrences;
    }

    private static bool IsError(Problem problem) => problem.Descriptor.DefaultSeverity == DiagnosticSeverity.Error;

    /// <summary>
    /// The lines of <paramref name="baseline"/> the code does not match, given every entry the compilation declares
    /// (judged or not: a member with an error still holds its name): a shipped line not sent and not acknowledged with
    /// <c>*REMOVED*</c> (removed, renamed or retyped), an unshipped line not sent, a <c>*REMOVED*</c> line for a
    /// line that is not shipped or still sent, and a line that is not an entry.
    /// </summary>
    public static List<PlanDrift> Drift(PlanBaseline baseline, IEnumerable<PlanEntry> declared)
    {
        var sent = new HashSet<string>(System.StringComparer.Ordinal);
        var sentByKey = new Dictionary<string, SortedSet<string>>(System.StringComparer.Ordinal);
        foreach (var entry in declared)
        {
            if (sent.Add(entry.Line))
            {
                if (!sentByKey.TryGetValue(entry.Key, out var lines))
                {
                    sentByKey[entry.Key] = lines = new SortedSet<string>(System.StringComparer.Ordinal);
                }

                lines.Add(entry.Line);
            }
        }

        var removed = new HashSet<string>(baseline.Removed.Select(r => r.Line.Text), System.StringComparer.Ordinal);
        var shipped = new HashSet<string>(baseline.Shipped.Select(s => s.Line.Text), System.StringComparer.Ordinal);
        var drift = new List<PlanDrift>();
        foreach (var line in baseline.Shipped)
        {
            var text = line.Line.Text;
            if (!sent.Contains(text) && !removed.Contains(text))
            {
                var now = sentByKey.TryGetValue(line.Line.Key, out var others) ? "the code now sends " + string.Join(" and ", others.Select(o => "'" + o + "'")) : "the code no longer sends it (removed or renamed)";
                drift.Add(new PlanDrift(line, now + "; if that is intended, add '" + PlanText.RemovedPrefix + text + "' to " + DiagnosticIds.TrackingPlanUnshipped));
            }
        }

        foreach (var line in baseline.Unshipped)
        {
            if (!sent.Contains(line.Line.Text) && !shipped.Contains(line.Line.Text))
            {
                drift.Add(new PlanDrift(line, "the code does not send it; remove the line"));
            }
        }

        foreach (var line in baseline.Removed)
        {
            if (!shipped.Contains(line.Line.Text))
            {
                drift.Add(new PlanDrift(line, "marked removed, but it is not in " + DiagnosticIds.TrackingPlanShipped + "; remove the line"));
            }
            else if (sent.Contains(line.Line.Text))
            {
                drift.Add(new PlanDrift(line, "marked removed, but the code still sends it; remove the line"));
            }
        }

        foreach (var line in baseline.Malformed)
        {
            drift.Add(new PlanDrift(line, line.Line.Removed && line.FileName == DiagnosticIds.TrackingPlanShipped
                ? "a *REMOVED* line belongs in " + DiagnosticIds.TrackingPlanUnshipped
                : "not a tracking plan line (a keyword, the name, and ': ' with a Braze type: see docs/tracking-plan.md)"));
        }

        return drift;
    }

    /// <summary>
    /// Every judged occurrence of a name that the compilation's records send as more than one Braze type (the name of
    /// an event property across all events, of a purchase property across all purchases, of an attribute, a Canvas
    /// entry property or a trigger property), by its index in <paramref name="occurrences"/>, with the other types and
    /// the records that send them.
    /// </summary>
    public static List<PlanConflict> Conflicts(IReadOnlyList<PlanOccurrence> occurrences)
    {
        var conflicts = new List<PlanConflict>();
        var groups = Enumerable.Range(0, occurrences.Count)
            .Where(i => occurrences[i].Judged && occurrences[i].Entry.Type != PlanType.None)
            .GroupBy(i => (occurrences[i].Entry.Section, occurrences[i].Entry.Name))
            .Where(g => g.Select(i => occurrences[i].Entry.Type).Distinct().Skip(1).Any());
        foreach (var group in groups)
        {
            foreach (var index in group)
            {
                var entry = occurrences[index].Entry;
                var others = group
                    .Select(i => occurrences[i].Entry)
                    .Where(e => e.Type != entry.Type)
                    .Select(e => PlanText.TypeName(e.Type) + " in '" + e.Record + "'")
                    .Distinct()
                    .OrderBy(s => s, System.StringComparer.Ordinal);
                conflicts.Add(new PlanConflict(index, What(entry.Section), string.Join(", ", others)));
            }
        }

        return conflicts;
    }

    /// <summary>What a name of <paramref name="section"/> is, for messages.</summary>
    public static string What(PlanSection section) => section switch
    {
        PlanSection.Attribute => "Custom attribute",
        PlanSection.Context => "Canvas entry property",
        PlanSection.Event => "Event property",
        PlanSection.Purchase => "Purchase property",
        PlanSection.Trigger => "Trigger property",
        _ => throw new System.InvalidOperationException($"Unhandled plan section {section}"),
    };
}
