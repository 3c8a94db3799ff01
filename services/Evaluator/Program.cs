using Pipeline.Evaluator;
using Pipeline.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddPipelineDefaults();
builder.AddEvaluatorStage();
builder.AddPipelineBus();
builder.Build().Run();
