using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Braze.Tests.Audit;
using Microsoft.Extensions.Logging;
using Xunit.Sdk;

// Every test of the assembly ends by checking that no secret leaked anywhere in the process meanwhile.
[assembly: NoSecretLeaked]

namespace Braze.Tests.Audit;

/// <summary>
/// A test-wide watch for secrets: the test API keys and the email and phone values the tests send. Every
/// <see cref="BrazeException"/> thrown in the process (first chance) is walked through its public properties,
/// inner exceptions and <c>Data</c>; every log record written through <see cref="AuditLoggerProvider"/> is read in its
/// message, structured state, scopes and exception. A find fails the test that is finishing (shared source, compiled
/// into every test project).
/// </summary>
internal static class SecretAudit
{
    private static readonly ConcurrentDictionary<string, byte> s_secrets = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> s_leaks = new();

    [ThreadStatic]
    private static bool t_scanning;

    static SecretAudit()
    {
        // The keys the tests configure, and the contact values their payloads carry.
        Watch("11111111-2222-3333-4444-555555555555");
        Watch("emulator-key");
        Watch("not-the-key-123");
        Watch("ann@example.com");
        Watch("4155552671");
    }

    /// <summary>Starts watching for <paramref name="secret"/>.</summary>
    public static void Watch(string secret) => s_secrets.TryAdd(secret, 0);

    /// <summary>Takes every leak found since the last call.</summary>
    public static List<string> TakeLeaks()
    {
        var leaks = new List<string>();
        while (s_leaks.TryDequeue(out var leak))
        {
            leaks.Add(leak);
        }

        return leaks;
    }

    /// <summary>Records a leak for every secret in <paramref name="root"/>, described by <paramref name="where"/>.</summary>
    public static void Check(object? root, string where)
    {
        if (root is null || t_scanning)
        {
            return;
        }

        t_scanning = true;
        try
        {
            foreach (var found in Scan(root))
            {
                s_leaks.Enqueue($"{where}: {found}");
            }
        }
        finally
        {
            t_scanning = false;
        }
    }

    /// <summary>
    /// The places (property paths) where a watched secret appears in a string reachable from <paramref name="root"/>
    /// through public instance properties, enumerations and dictionaries.
    /// </summary>
    public static List<string> Scan(object root, IReadOnlyCollection<string>? secrets = null)
    {
        var watched = secrets ?? s_secrets.Keys.ToList();
        var found = new List<string>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Queue<(object Value, string Path, int Depth)>();
        pending.Enqueue((root, root.GetType().Name, 0));
        var visited = 0;
        while (pending.Count > 0 && visited++ < 20_000)
        {
            var (value, path, depth) = pending.Dequeue();
            switch (value)
            {
                case string text:
                    found.AddRange(watched.Where(s => text.Contains(s, StringComparison.Ordinal)).Select(s => $"{path} holds '{Mask(s)}'"));
                    continue;
                case JsonElement json:
                    Enqueue(json.ValueKind == JsonValueKind.Undefined ? string.Empty : json.GetRawText(), path);
                    continue;
                case Uri uri:
                    Enqueue(uri.OriginalString, path);
                    continue;
                case Type or MemberInfo or Assembly or Module or Delegate or Stream or CancellationToken or Task or WaitHandle or IntPtr:
                    continue;
            }

            var type = value.GetType();
            if (type.IsPrimitive || type.IsEnum || value is decimal or DateTime or DateTimeOffset or TimeSpan or Guid || depth >= 12 || !seen.Add(value))
            {
                continue;
            }

            if (value is Exception exception)
            {
                Enqueue(exception.Message, path + ".Message");
            }

            if (value is IDictionary dictionary)
            {
                foreach (DictionaryEntry entry in dictionary)
                {
                    Enqueue(entry.Key, path + ".Key");
                    Enqueue(entry.Value, $"{path}[{entry.Key}]");
                }
            }
            else if (value is IEnumerable items)
            {
                var i = 0;
                foreach (var item in items)
                {
                    if (i >= 1_000)
                    {
                        break;
                    }

                    Enqueue(item, $"{path}[{i++}]");
                }
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                {
                    continue;
                }

                object? child;
                try
                {
                    child = property.GetValue(value);
                }
                catch (Exception)
                {
                    continue; // a getter that cannot answer holds nothing to find
                }

                Enqueue(child, path + "." + property.Name);
            }

            void Enqueue(object? child, string childPath)
            {
                if (child is not null)
                {
                    pending.Enqueue((child, childPath, depth + 1));
                }
            }
        }

        return found;
    }

    private static string Mask(string secret) => secret.Length <= 4 ? "****" : secret[..2] + "…" + secret[^2..];

    [ModuleInitializer]
    internal static void Install()
        => AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
        {
            if (e.Exception is BrazeException)
            {
                Check(e.Exception, $"{e.Exception.GetType().Name} thrown");
            }
        };
}

/// <summary>Fails the finishing test when a secret leaked since the last check (anywhere in the process).</summary>
[AttributeUsage(AttributeTargets.Assembly | AttributeTargets.Class | AttributeTargets.Method)]
internal sealed class NoSecretLeakedAttribute : BeforeAfterTestAttribute
{
    public override void After(MethodInfo methodUnderTest)
    {
        var leaks = SecretAudit.TakeLeaks();
        if (leaks.Count > 0)
        {
            throw new XunitException("A secret leaked while tests ran (near " + methodUnderTest.Name + "):\n  " + string.Join("\n  ", leaks.Distinct()));
        }
    }
}

/// <summary>A logger provider that reads every record for secrets, at every level.</summary>
internal sealed class AuditLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new AuditLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class AuditLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            SecretAudit.Check(state, $"log scope of {category}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            SecretAudit.Check(formatter(state, exception), $"log message of {category} ({logLevel})");
            SecretAudit.Check(state, $"log state of {category} ({logLevel})");
            SecretAudit.Check(exception, $"log exception of {category} ({logLevel})");
        }
    }
}
