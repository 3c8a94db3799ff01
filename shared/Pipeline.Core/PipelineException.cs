namespace Pipeline;

/// <summary>A problem the user can fix (bad input, bad option). Its message is shown as is, without a stack trace.</summary>
public sealed class PipelineException(string message, Exception? inner = null) : Exception(message, inner);
