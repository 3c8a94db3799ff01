using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>As <see cref="StrictEnumConverter{TEnum}"/> (names only, never numbers), written as declared (<c>Completed</c>).</summary>
public sealed class PascalCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(namingPolicy: null, allowIntegerValues: false)
    where TEnum : struct, Enum;
