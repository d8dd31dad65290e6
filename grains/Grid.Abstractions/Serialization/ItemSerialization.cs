using System.Reflection;
using Orleans.Serialization;

namespace Grid.Serialization;

/// <summary>Lets users' item types travel between clients and silos as JSON (Orleans' System.Text.Json codec); Grid's own messages and the types Orleans knows keep their generated codecs.</summary>
public static class ItemSerialization
{
    /// <summary>Adds the JSON codec for item types; call it on every silo and client of a cluster (Grid's hosting and client do).</summary>
    public static ISerializerBuilder AddGridItems(this ISerializerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddJsonSerializer(isSupported: IsItemType);
    }

    /// <summary>Returns whether <paramref name="type"/> is a user's item type that Orleans has no codec of its own for, and so travels as JSON.</summary>
    public static bool IsItemType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        // Exceptions are never items: Orleans' own exception codec carries any of them (a library's too) across a call.
        if (type.IsPrimitive || type.IsEnum || type.IsArray || type.IsPointer || type.IsByRef || type.ContainsGenericParameters
            || type.IsAbstract || type.IsInterface || type == typeof(string) || type == typeof(object) || typeof(Exception).IsAssignableFrom(type))
        {
            return false;
        }

        // Compiler-made types (collection expressions' lists, closures) are no one's items: Orleans must say it has no codec for them.
        if (type.GetCustomAttribute<GenerateSerializerAttribute>() is not null || type.Name.StartsWith('<') || type.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false))
        {
            return false;
        }

        var assembly = type.Assembly.GetName().Name ?? string.Empty;
        return !(assembly.StartsWith("System", StringComparison.Ordinal)
            || assembly.StartsWith("Microsoft", StringComparison.Ordinal)
            || assembly.StartsWith("Orleans", StringComparison.Ordinal)
            || assembly.Equals("mscorlib", StringComparison.Ordinal)
            || assembly.Equals("netstandard", StringComparison.Ordinal));
    }
}
