using Pipeline.Hosting;
using Pipeline.Trainer;

var builder = WebApplication.CreateBuilder(args);
builder.AddPipelineDefaults("trainer");
builder.AddTrainerStage();
builder.AddPipelineBus(bus => bus.AddTrainerConsumers());

var app = builder.Build();
app.MapPipelineHealth();
app.MapPipelineMetrics();
app.Run();
