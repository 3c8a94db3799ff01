using Pipeline.Evaluator;
using Pipeline.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddPipelineDefaults("evaluator");
builder.AddEvaluatorStage();
builder.AddPipelineBus(bus => bus.AddEvaluatorConsumers());
builder.Build().Run();
