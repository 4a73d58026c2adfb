package org.regionalgraph.launcher;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import org.neo4j.configuration.Config;
import org.neo4j.graphdb.config.Configuration;
import org.neo4j.kernel.api.procedure.GlobalProcedures;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;
import org.neo4j.logging.internal.LogService;

/**
 * Makes the GDS procedures' shared component (the procedures facade) injectable, as the
 * community GDS plugin jar does: native writes, no metrics, models kept in memory only.
 *
 * <p>GDS's wiring classes are reached by reflection, so this compiles against Neo4j alone and
 * does nothing when GDS is not on the class path.
 */
public class GdsExtension extends ExtensionFactory<GdsExtension.Dependencies> {

    private static final String GDS = "org.neo4j.gds.";

    public GdsExtension() {
        super("regional-graph-gds");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies deps) {
        if (System.getProperty("regionalgraph.gds", "true").equals("false")) {
            return new LifecycleAdapter();
        }
        try {
            ClassLoader cl = GdsExtension.class.getClassLoader();
            Class<?> logAccessor = cl.loadClass(GDS + "procedures.integration.LogAccessor");
            Object log = logAccessor.getMethod("getLog", LogService.class, Class.class)
                    .invoke(logAccessor.getConstructor().newInstance(), deps.logService(), getClass());
            Class<?> logType = cl.loadClass(GDS + "logging.Log");
            Object exporters = proxy(cl, GDS + "procedures.ExporterBuildersProviderService",
                    (p, m, a) -> m.getDeclaringClass() == Object.class ? objectMethod(p, m, a)
                            : cl.loadClass(GDS + "core.write.NativeExportBuildersProvider")
                                    .getConstructor().newInstance());
            Object exportLocation = cl.loadClass(GDS + "procedures.integration.DefaultExportLocation")
                    .getConstructor(logType, Configuration.class).newInstance(log, deps.config());
            Object toggles = cl.loadClass(GDS + "applications.operations.FeatureTogglesRepository")
                    .getConstructor().newInstance();
            Class<?> metricsType = cl.loadClass(GDS + "metrics.Metrics");
            Object metrics = metricsType.getField("DISABLED").get(null);
            Object catalog = cl.loadClass(GDS + "core.model.OpenModelCatalog")
                    .getConstructor().newInstance();
            Object noStore = proxy(cl, GDS + "applications.modelcatalog.ModelRepository",
                    (p, m, a) -> {
                        if (m.getDeclaringClass() == Object.class) {
                            return objectMethod(p, m, a);
                        }
                        throw new UnsupportedOperationException("storing models needs GDS Enterprise");
                    });
            Class<?> builder = cl.loadClass(GDS + "procedures.integration.OpenGraphDataScienceExtensionBuilder");
            Method create = null;
            for (Method m : builder.getMethods()) {
                if (m.getName().equals("create") && m.getParameterCount() == 12) {
                    create = m;
                }
            }
            if (create == null) {
                throw new IllegalStateException("this GDS version has no 12-argument builder");
            }
            Object triple = create.invoke(null, log, deps.globalProcedures(), deps.config(), exporters,
                    exportLocation, toggles, metrics, catalog, noStore, Optional.empty(),
                    Optional.empty(), Optional.empty());
            Object left = triple.getClass().getMethod("getLeft").invoke(triple);
            return (Lifecycle) left.getClass().getMethod("build").invoke(left);
        } catch (ClassNotFoundException e) {
            return new LifecycleAdapter(); // no GDS on the class path
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot wire GDS: " + e, e);
        }
    }

    private static Object proxy(ClassLoader cl, String iface, InvocationHandler handler)
            throws ClassNotFoundException {
        return Proxy.newProxyInstance(cl, new Class<?>[] {cl.loadClass(iface)}, handler);
    }

    private static Object objectMethod(Object proxy, Method m, Object[] args) {
        switch (m.getName()) {
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            default:
                return "GdsExtension proxy";
        }
    }

    /** What Neo4j injects into the extension. */
    public interface Dependencies {
        Config config();

        GlobalProcedures globalProcedures();

        LogService logService();
    }
}
