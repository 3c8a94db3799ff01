using System.Text.Json.Serialization;

namespace Pipeline.Contracts;

/// <summary>How much each class counts in the training loss.</summary>
[JsonConverter(typeof(StrictEnumConverter<ClassWeighting>))]
public enum ClassWeighting
{
    /// <summary>Every image counts the same.</summary>
    None,

    /// <summary>Each class weighs inversely to its share of the training split, so rare classes count as much as common ones.</summary>
    Balanced,
}
