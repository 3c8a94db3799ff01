using Pipeline.Cli.Commands;

var parse = PipelineCommand.Create().Parse(args);
return parse.Errors.Count > 0
    ? ParseErrors.Report(parse, asJson: args.Contains("--json"))
    : await parse.InvokeAsync(new() { ProcessTerminationTimeout = null });
