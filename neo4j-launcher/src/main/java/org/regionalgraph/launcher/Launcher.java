package org.regionalgraph.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;
import org.neo4j.procedure.Procedure;
import org.neo4j.procedure.UserAggregationFunction;
import org.neo4j.procedure.UserFunction;

/**
 * Starts a real Neo4j 5 (the official test harness, in-process) with Bolt on loopback, the
 * Graph Data Science procedures registered and allowed, and its store in a directory of the
 * caller's choosing (so a server killed with SIGKILL restarts on the same data).
 *
 * <pre>
 * java -jar neo4j-launcher.jar --data-dir DIR [--port N] [--password PW] [--no-gds]
 * (or the password in the environment variable RG_NEO4J_PASSWORD, kept out of ps)
 * </pre>
 *
 * <p>Prints {@code READY bolt://127.0.0.1:PORT} on standard output once Bolt accepts
 * connections; stops cleanly on SIGTERM/SIGINT or when standard input closes.
 */
public final class Launcher {

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        Path dataDir = Paths.get(opts.getOrDefault("--data-dir", "neo4j-data")).toAbsolutePath();
        int port = Integer.parseInt(opts.getOrDefault("--port", "0"));
        String password = opts.getOrDefault("--password", System.getenv("RG_NEO4J_PASSWORD"));
        boolean gds = !opts.containsKey("--no-gds");
        System.setProperty("regionalgraph.gds", String.valueOf(gds));
        boolean watchStdin = !opts.containsKey("--ignore-stdin");
        Files.createDirectories(dataDir);

        Neo4jBuilder builder = Neo4jBuilders.newInProcessBuilder();
        // the harness puts its store in a random sub-folder it deletes on close; we want ours
        Method setDir = builder.getClass().getSuperclass()
                .getDeclaredMethod("setWorkingDirectory", Path.class);
        setDir.setAccessible(true);
        setDir.invoke(builder, dataDir);
        builder = builder
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(HttpConnector.enabled, false)
                .withConfig(GraphDatabaseSettings.pagecache_memory, 256L * 1024 * 1024)
                .withConfig(GraphDatabaseSettings.auth_enabled, password != null)
                .withConfig(GraphDatabaseSettings.udc_enabled, false)
                .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("gds.*"));
        int registered = 0;
        if (gds) {
            for (Class<?> cls : gdsProcedureClasses()) {
                boolean proc = false;
                boolean func = false;
                boolean aggr = false;
                for (Method m : cls.getDeclaredMethods()) {
                    proc |= m.isAnnotationPresent(Procedure.class);
                    func |= m.isAnnotationPresent(UserFunction.class);
                    aggr |= m.isAnnotationPresent(UserAggregationFunction.class);
                }
                if (proc) {
                    builder = builder.withProcedure(cls);
                }
                if (func) {
                    builder = builder.withFunction(cls);
                }
                if (aggr) {
                    builder = builder.withAggregationFunction(cls);
                }
                registered += (proc || func || aggr) ? 1 : 0;
            }
        }
        long t0 = System.nanoTime();
        Neo4j neo4j = builder.build();
        System.err.printf("neo4j-launcher: started in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.countDown();
            neo4j.close();
        }, "neo4j-launcher-shutdown"));
        if (password != null) {
            setPassword(neo4j, password);
        }
        URI bolt = neo4j.boltURI();
        String uri = "bolt://127.0.0.1:" + bolt.getPort();
        System.err.println("neo4j-launcher: " + registered + " GDS procedure classes; store in "
                + dataDir);
        System.out.println("READY " + uri);
        System.out.flush();
        if (watchStdin) {
            Thread watcher = new Thread(() -> {
                try (InputStream in = System.in) {
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // keep reading until the parent closes our stdin
                    }
                } catch (IOException ignored) {
                    // closed
                }
                System.exit(0); // runs the shutdown hook
            }, "neo4j-launcher-stdin");
            watcher.setDaemon(true);
            watcher.start();
        }
        stop.await();
    }

    private static void setPassword(Neo4j neo4j, String password) {
        GraphDatabaseService system = neo4j.databaseManagementService().database("system");
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
        } catch (RuntimeException e) {
            // restarted on the same data with the same password: nothing to change
            if (!String.valueOf(e.getMessage()).contains("cannot be the same")) {
                throw e;
            }
        }
    }

    /** Classes of the GDS procedure jars (proc-*.jar, alpha-proc-*.jar) on the class path. */
    private static List<Class<?>> gdsProcedureClasses() throws IOException {
        List<Class<?>> out = new ArrayList<>();
        ClassLoader loader = Launcher.class.getClassLoader();
        List<String> jars = new ArrayList<>(List.of(
                System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        try {
            // java -jar: the class path is the manifest's, next to this jar in lib/
            Path self = Paths.get(Launcher.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
            Path lib = self.resolveSibling("lib");
            if (Files.isDirectory(lib)) {
                try (var files = Files.list(lib)) {
                    files.forEach(f -> jars.add(f.toString()));
                }
            }
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        for (String entry : new java.util.LinkedHashSet<>(jars)) {
            String name = Paths.get(entry).getFileName().toString();
            if (!name.endsWith(".jar") || !(name.startsWith("proc") || name.startsWith("alpha-proc"))) {
                continue;
            }
            List<String> classes = new ArrayList<>();
            try (JarFile jar = new JarFile(entry)) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    String e = entries.nextElement().getName();
                    if (e.startsWith("org/neo4j/gds/") && e.endsWith(".class") && !e.contains("$")) {
                        classes.add(e.substring(0, e.length() - 6).replace('/', '.'));
                    }
                }
            }
            for (String cls : classes) {
                try {
                    out.add(Class.forName(cls, false, loader));
                } catch (ClassNotFoundException | LinkageError ignored) {
                    // not loadable here (optional dependency): not a procedure we can offer
                }
            }
        }
        return out;
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> out = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-gds") || a.equals("--ignore-stdin")) {
                out.put(a, "true");
            } else if (a.startsWith("--") && i + 1 < args.length) {
                out.put(a, args[++i]);
            } else {
                System.err.println("usage: --data-dir DIR [--port N] [--password PW] [--no-gds]"
                        + " [--ignore-stdin]; got " + a);
                System.exit(2);
            }
        }
        return out;
    }
}
