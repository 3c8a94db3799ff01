using Pipeline.Hosting;
using Pipeline.Trainer;

var builder = Host.CreateApplicationBuilder(args);
builder.AddPipelineDefaults("trainer");
builder.AddTrainerStage();
builder.AddPipelineBus(bus => bus.AddTrainerConsumers());
builder.Build().Run();
