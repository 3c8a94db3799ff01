using System.CommandLine;
using System.Text.Json;

namespace Pipeline.Cli.Commands;

/// <summary>
/// An option whose values are an enum's names as the contracts write them (<c>transfer</c>, <c>finetune</c>): anything
/// else, a number included, is a parse error listing the choices.
/// </summary>
public static class ChoiceOption
{
    public static Option<string> Create<TEnum>(string name, string description, TEnum defaultValue) where TEnum : struct, Enum
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => NameOf(defaultValue) };
        option.AcceptOnlyFromAmong([.. Enum.GetValues<TEnum>().Select(NameOf)]);
        return option;
    }

    public static TEnum Parse<TEnum>(string value) where TEnum : struct, Enum =>
        Enum.GetValues<TEnum>().Single(candidate => NameOf(candidate) == value);

    private static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum => JsonNamingPolicy.CamelCase.ConvertName(value.ToString());
}
