using System.Text.Json;
using System.Text.Json.Serialization;

namespace Braze.Wire;

/// <summary>
/// System.Text.Json source-generated metadata for every body the SDK reads (no reflection, AOT and trim safe).
/// Request bodies are written by the SDK's own <see cref="Utf8JsonWriter"/> writers into pooled buffers.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = false,
    NumberHandling = JsonNumberHandling.AllowReadingFromString)]
[JsonSerializable(typeof(TrackResponse))]
[JsonSerializable(typeof(ScheduleCreateResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(ScheduledBroadcastsResponse))]
[JsonSerializable(typeof(UsersExportResponse))]
[JsonSerializable(typeof(UserOperationResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class BrazeJsonContext : JsonSerializerContext;
