package org.regionalgraph.gephicheck;

import com.google.gson.stream.JsonWriter;
import java.io.BufferedWriter;
import java.io.File;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Element;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Interval;
import org.gephi.graph.api.Node;
import org.gephi.graph.api.Table;
import org.gephi.graph.api.TimeRepresentation;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.EdgeMergeStrategy;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.importer.api.Report;
import org.gephi.io.importer.spi.FileImporter;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.io.processor.spi.Processor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;

/**
 * Opens GEXF/GraphML files the way Gephi desktop does (ImportController.importFile, the
 * container verified, then processed by the default processor into a new workspace) and
 * writes what Gephi ended up with as JSON: counts, the attribute columns and their types,
 * the import and processor reports' issues, every node (id, label, attributes) and edge.
 *
 * <p>Usage: {@code java -jar gephi-check.jar [--out FILE.json] [--merge STRATEGY] FILE...}.
 * {@code --merge} is the import report's "edges merge strategy" for the files after it: {@code
 * DEFAULT} (what a user gets by clicking OK), or one of Gephi's {@code EdgeMergeStrategy} names
 * ({@code NO_MERGE} is "don't merge": parallel edges of the same type stay apart). Exit code 0
 * also when Gephi reports problems: they are in the JSON, for the caller to judge.
 */
public final class GephiCheck {

    private GephiCheck() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        Path out = null;
        List<File> files = new ArrayList<>();
        List<String> merges = new ArrayList<>();
        String merge = "DEFAULT";
        for (int i = 0; i < args.length; i++) {
            if ("--out".equals(args[i]) && i + 1 < args.length) {
                out = Path.of(args[++i]);
            } else if ("--merge".equals(args[i]) && i + 1 < args.length) {
                merge = args[++i];
            } else {
                files.add(new File(args[i]).getAbsoluteFile());
                merges.add(merge);
            }
        }
        if (files.isEmpty()) {
            System.err.println("usage: java -jar gephi-check.jar [--out FILE.json] FILE...");
            System.exit(2);
        }
        Writer writer = out != null ? Files.newBufferedWriter(out, StandardCharsets.UTF_8)
            : new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        try (JsonWriter json = new JsonWriter(writer)) {
            json.beginObject();
            json.name("gephi_toolkit").value(toolkitVersion());
            json.name("files").beginArray();
            for (int i = 0; i < files.size(); i++) {
                File file = files.get(i);
                json.beginObject();
                json.name("file").value(file.getPath());
                try {
                    check(file, merges.get(i), json);
                } catch (Exception | LinkageError ex) {
                    json.name("error").value(ex.toString());
                }
                json.endObject();
            }
            json.endArray();
            json.endObject();
        }
        System.exit(0);  // the platform's non-daemon threads would keep the JVM alive
    }

    private static String toolkitVersion() throws Exception {
        Properties props = new Properties();
        try (InputStream in = GephiCheck.class.getResourceAsStream("/gephi-check.properties")) {
            props.load(in);
        }
        return props.getProperty("gephi.version");
    }

    private static void check(File file, String merge, JsonWriter json) throws Exception {
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        projects.newProject();
        Workspace workspace = projects.getCurrentWorkspace();
        try {
            FileImporter fileImporter = importer.getFileImporter(file);
            json.name("importer").value(
                fileImporter == null ? null : fileImporter.getClass().getSimpleName());
            Container container = importer.importFile(file);
            if (container == null) {
                json.name("error").value("Gephi found no importer for this file, or it failed");
                return;
            }
            json.name("verified").value(container.verify());
            if (!"DEFAULT".equals(merge)) {
                container.getLoader().setEdgesMergeStrategy(EdgeMergeStrategy.valueOf(merge));
            }
            json.name("merge_strategy").value(container.getUnloader().getEdgesMergeStrategy().name());
            Report report = container.getReport();
            report.close();
            Processor processor = new DefaultProcessor();
            importer.process(container, processor, workspace);
            json.name("issues").beginArray();
            writeIssues(json, "import", report);
            writeIssues(json, "processor", processor.getReport());
            json.endArray();
            GraphModel model = Lookup.getDefault().lookup(GraphController.class)
                .getGraphModel(workspace);
            writeGraph(json, model);
        } finally {
            projects.closeCurrentProject();
        }
    }

    private static void writeIssues(JsonWriter json, String stage, Report report)
        throws Exception {
        if (report == null) {
            return;
        }
        for (Issue issue : report.getIssuesList(Integer.MAX_VALUE)) {
            json.beginObject();
            json.name("stage").value(stage);
            json.name("level").value(issue.getLevel().name());
            json.name("message").value(issue.getMessage());
            json.endObject();
        }
    }

    private static void writeGraph(JsonWriter json, GraphModel model) throws Exception {
        Graph graph = model.getGraph();
        json.name("directed").value(model.isDirected());
        json.name("undirected").value(model.isUndirected());
        json.name("mixed").value(model.isMixed());
        json.name("time_format").value(model.getTimeFormat().name());
        boolean intervals =
            model.getConfiguration().getTimeRepresentation() == TimeRepresentation.INTERVAL;
        json.name("time_representation").value(intervals ? "INTERVAL" : "TIMESTAMP");
        json.name("node_count").value(graph.getNodeCount());
        json.name("edge_count").value(graph.getEdgeCount());
        int directed = 0;
        for (Edge edge : graph.getEdges()) {
            directed += edge.isDirected() ? 1 : 0;
        }
        json.name("directed_edges").value(directed);
        json.name("undirected_edges").value(graph.getEdgeCount() - directed);
        json.name("node_columns");
        writeColumns(json, model.getNodeTable());
        json.name("edge_columns");
        writeColumns(json, model.getEdgeTable());
        json.name("nodes").beginArray();
        for (Node node : graph.getNodes()) {
            json.beginObject();
            json.name("id").value(String.valueOf(node.getId()));
            json.name("label").value(node.getLabel());
            writeAttributes(json, model.getNodeTable(), node);
            json.endObject();
        }
        json.endArray();
        json.name("edges").beginArray();
        for (Edge edge : graph.getEdges()) {
            json.beginObject();
            json.name("source").value(String.valueOf(edge.getSource().getId()));
            json.name("target").value(String.valueOf(edge.getTarget().getId()));
            json.name("directed").value(edge.isDirected());
            json.name("label").value(edge.getLabel());
            Object type = edge.getTypeLabel();
            json.name("type").value(type == null ? null : type.toString());
            writeAttributes(json, model.getEdgeTable(), edge);
            if (intervals) {
                json.name("intervals").beginArray();
                for (Interval interval : edge.getIntervals()) {
                    json.beginArray();
                    writeValue(json, interval.getLow());
                    writeValue(json, interval.getHigh());
                    json.endArray();
                }
                json.endArray();
            }
            json.endObject();
        }
        json.endArray();
    }

    private static void writeColumns(JsonWriter json, Table table) throws Exception {
        json.beginArray();
        for (Column column : table) {
            json.beginObject();
            json.name("id").value(column.getId());
            json.name("title").value(column.getTitle());
            json.name("type").value(column.getTypeClass().getSimpleName());
            json.name("property").value(column.isProperty());
            json.name("dynamic").value(column.isDynamic());
            json.endObject();
        }
        json.endArray();
    }

    private static void writeAttributes(JsonWriter json, Table table, Element element)
        throws Exception {
        json.name("attributes").beginObject();
        for (Column column : table) {
            if (column.isProperty()) {
                continue;
            }
            Object value = element.getAttribute(column);
            if (value != null) {
                json.name(column.getId());
                writeValue(json, value);
            }
        }
        json.endObject();
    }

    private static void writeValue(JsonWriter json, Object value) throws Exception {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isFinite(d)) {
                json.value(d);
            } else {
                json.value(Double.toString(d));
            }
        } else if (value instanceof Number) {
            json.value(((Number) value).longValue());
        } else if (value instanceof Boolean) {
            json.value((Boolean) value);
        } else {
            json.value(value.toString());
        }
    }
}
