using OrleansTokens.Hosting;

// A standalone silo for API hosts that run with OrleansTokens:Mode=Client.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleans(silo => silo.AddOrleansTokensSilo(builder.Configuration, builder.Environment.ContentRootPath));
builder.Services.AddHealthChecks();

var app = builder.Build();
app.MapHealthChecks("/health/live");
await app.RunAsync();
