namespace Pipeline.Storage;

public sealed class ObjectNotFoundException(string key) : Exception($"No object with key '{key}' in the store.")
{
    public string Key { get; } = key;
}
