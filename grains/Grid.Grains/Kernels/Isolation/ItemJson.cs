using System.Text.Json;

namespace Grid.Kernels.Isolation;

/// <summary>The JSON settings items and values are written with when they leave the process (to a worker process or over the cluster), typed by the kernel's declared types on both sides.</summary>
internal static class ItemJson
{
    /// <summary>The serializer options: fields included, nesting bounded.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        MaxDepth = 64,
        IncludeFields = true,
    };
}
