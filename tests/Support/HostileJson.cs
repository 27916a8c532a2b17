using System.Text;
using CsCheck;

namespace Braze.Tests;

/// <summary>
/// Hostile request bodies for fuzz tests: valid Braze bodies mutated at random (bytes flipped, cut, spliced, tokens
/// that break parsers inserted: lone surrogate escapes, huge numbers, duplicate keys, deep nesting, invalid UTF-8).
/// How many to try comes from <c>BRAZE_FUZZ_ITERATIONS</c>, so CI runs a small count and a soak runs a large one.
/// </summary>
internal static class HostileJson
{
    /// <summary>Iterations: <c>BRAZE_FUZZ_ITERATIONS</c>, or <paramref name="ciDefault"/>.</summary>
    public static int Iterations(int ciDefault)
        => int.TryParse(Environment.GetEnvironmentVariable("BRAZE_FUZZ_ITERATIONS"), out var n) && n > 0 ? n : ciDefault;

    /// <summary>Valid bodies of every kind the validator and the emulator read.</summary>
    public static readonly string[] Seeds =
    [
        """{"attributes":[{"external_id":"u","first_name":"Ann","email":"a@example.com","country":"DE","tags":["a","b"],"n":{"inc":2},"pet":{"name":"Rex","born":{"$time":"2020-01-01"}},"pets":{"$add":[{"id":1,"toys":["ball"]}]},"_merge_objects":true}],"events":[{"external_id":"u","name":"played","time":"2024-01-01T00:00:00Z","properties":{"song":{"title":"x","tags":["a"]},"n":1.5}}],"purchases":[{"user_alias":{"alias_name":"n","alias_label":"l"},"product_id":"p","currency":"USD","price":4.5,"quantity":2,"time":"2024-01-01T00:00:00Z","properties":{"size":"L"}}]}""",
        """{"attributes":[{"email":"b@example.com","subscription_groups":[{"subscription_group_id":"g","subscription_state":"subscribed"}],"current_location":{"latitude":1,"longitude":2},"push_tokens":[{"app_id":"a","token":"t"}]}]}""",
        """{"events":[{"name":"step","time":"{{ 'now' | date: '%Y-%m-%dT%H:%M:%SZ' }}","properties":{"v":"{{context.${x}}}"}}],"attributes":[{"score":{"inc":1}}]}""",
        """{"canvas_id":"c","recipients":[{"external_user_id":"u","context":{"a":1},"send_to_existing_only":false,"attributes":{"x":1}},{"email":"a@example.com","prioritization":["identified"]}],"context":{"k":"v"},"schedule":{"time":"2030-01-01T09:00:00","in_local_time":true}}""",
        """{"campaign_id":"k","schedule_id":"s","broadcast":true,"trigger_properties":{"a":[1,2]},"schedule":{"time":"2030-01-01T09:00:00Z"}}""",
        """{"external_ids":["u"],"user_aliases":[{"alias_name":"n","alias_label":"l"}],"braze_id":"b","email_address":"a@example.com","fields_to_export":["first_name"]}""",
    ];

    private static readonly string[] s_tokens =
    [
        "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\u0000", "1e400", "-1e400", "1e-400", "9223372036854775808", "null", "true", "[]", "{}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":{\"a\":", "\"", "\\", ",", ":", "}", "]", "{", "[",
        "\"name\":\"x\",\"name\":\"y\"", "\"time\":\"0000-01-01T00:00:00Z\"", "\"time\":\" 2024-01-01\"", "\"$time\":null", "\"inc\":1.5",
        "\"$update\":[{}]", "\"push_token_import\":true", "\"email\":null", "\"broadcast\":true", "\"recipients\":[]", "é😀<>&'+",
    ];

    /// <summary>A seed body mutated one to four times.</summary>
    public static readonly Gen<byte[]> Bodies =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Gen.Int[1, 4], Gen.Int[0, int.MaxValue].Array[12])
            .Select((seed, count, dice) => Mutate(Encoding.UTF8.GetBytes(Seeds[seed]), count, dice));

    private static byte[] Mutate(byte[] body, int count, int[] dice)
    {
        var bytes = new List<byte>(body);
        for (var m = 0; m < count; m++)
        {
            var at = bytes.Count == 0 ? 0 : dice[(m * 3) + 1] % (bytes.Count + 1);
            switch (dice[m * 3] % 6)
            {
                case 0: // insert a token
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(s_tokens[dice[(m * 3) + 2] % s_tokens.Length]));
                    break;
                case 1: // flip a byte
                    if (at < bytes.Count)
                    {
                        bytes[at] ^= (byte)(1 << (dice[(m * 3) + 2] % 8));
                    }

                    break;
                case 2: // cut
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, dice[(m * 3) + 2] % 16));
                    break;
                case 3: // invalid UTF-8
                    bytes.InsertRange(at, [0xC3, 0x28, 0xFF]);
                    break;
                case 4: // duplicate a slice
                    var length = Math.Min(bytes.Count - at, dice[(m * 3) + 2] % 64);
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                default: // replace a string value by a hostile token
                    var quote = bytes.IndexOf((byte)'"', Math.Min(at, bytes.Count));
                    if (quote >= 0)
                    {
                        bytes.InsertRange(quote + 1, Encoding.UTF8.GetBytes(s_tokens[dice[(m * 3) + 2] % 3]));
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
