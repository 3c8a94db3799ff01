using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>
/// Enums travel as names only: a number is rejected, so that <c>"mode": 7</c> is an error rather than an
/// undefined value. Names are written camelCase (<c>transfer</c>) and read case-insensitively.
/// </summary>
public sealed class StrictEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    where TEnum : struct, Enum;
