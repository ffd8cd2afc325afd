using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace OrleansTokens.Persistence.PostgreSql;

/// <summary>
/// Applies <see cref="PostgreSqlSchema"/> at the very first stage of the silo lifecycle, before the
/// clustering and storage providers load their queries.
/// </summary>
public sealed class PostgreSqlSchemaMigrator(string connectionString, ILogger<PostgreSqlSchemaMigrator> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(
            nameof(PostgreSqlSchemaMigrator),
            ServiceLifecycleStage.First,
            cancellationToken => PostgreSqlSchema.ApplyAsync(connectionString, logger, cancellationToken));
}
