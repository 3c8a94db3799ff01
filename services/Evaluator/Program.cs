using Pipeline.Hosting;
using Pipeline.Evaluator;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineDefaults("evaluator");
builder.AddEvaluatorStage();
builder.AddPipelineBus(bus => bus.AddEvaluatorConsumers());

var app = builder.Build();
app.MapPipelineHealth();
app.MapPipelineMetrics();
app.Run();
