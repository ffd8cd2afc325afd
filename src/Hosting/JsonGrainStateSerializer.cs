using System.Text.Json;
using Orleans.Storage;

namespace OrleansTokens.Hosting;

/// <summary>
/// Stores grain state as plain JSON (camelCase, no type names). The state type comes from the grain at
/// read time, so a renamed state class still reads its old rows, and the rows are readable in SQL.
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    public BinaryData Serialize<T>(T? input) =>
        new(JsonSerializer.SerializeToUtf8Bytes(input, SerializerOptions));

    public T Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, SerializerOptions)
        ?? throw new JsonException($"Stored state of type {typeof(T).Name} is the JSON literal null.");
}
