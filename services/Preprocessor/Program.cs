using Pipeline.Hosting;
using Pipeline.Preprocessor;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineDefaults("preprocessor");
builder.AddPreprocessorStage();
builder.AddPipelineBus(bus => bus.AddPreprocessorConsumers());

var app = builder.Build();
app.MapPipelineHealth();
app.MapPipelineMetrics();
app.Run();
