package wirelens.intercept;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import wirelens.base.AtomicFiles;

/**
 * Rules on disk, in two forms:
 *
 * <ul>
 *   <li>a <b>rules file</b> for {@code --rules FILE}: UTF-8 text, one rule per line in the
 *       {@code --replace} syntax; blank lines and lines starting with {@code #} are ignored;
 *   <li>the window's <b>saved rules</b>: JSON, {@code {"version":1,"rules":[{"direction":"c2s",
 *       "listener":null,"kind":"regex","pattern":"...","replacement":"...","enabled":true}]}},
 *       which also keeps the listener and the enabled flag.
 * </ul>
 */
public final class RulesFiles {
    /** The version written into saved rules; a newer file is refused rather than misread. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RulesFiles() {}

    /**
     * Reads a rules file.
     *
     * @throws RuleSyntaxException naming the file and line of the first bad rule, or why the file cannot be read
     */
    public static List<Rule> readRulesFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RuleSyntaxException("rules file not found: " + file);
        } catch (MalformedInputException e) {
            throw new RuleSyntaxException("rules file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new RuleSyntaxException("cannot read rules file " + file + ": " + e.getMessage());
        }
        return parseRulesFile(file.toString(), lines);
    }

    static List<Rule> parseRulesFile(String name, List<String> lines) {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                rules.add(Rule.parse(line));
            } catch (RuleSyntaxException e) {
                throw new RuleSyntaxException(name + ":" + (i + 1) + ": " + e.getMessage());
            }
        }
        return rules;
    }

    /** The rules file text for {@code rules}: disabled rules commented out; listeners are not kept. */
    public static String formatRulesFile(List<Rule> rules) {
        StringBuilder sb = new StringBuilder("# Wirelens rules: DIRECTION:KIND:/PATTERN/REPLACEMENT/, one per line\n");
        for (Rule r : rules) {
            if (r.listener() != null) {
                sb.append("# only on listener ").append(r.listener().replace('\n', ' ')).append(":\n");
            }
            sb.append(r.enabled() ? "" : "# disabled: ").append(r.toSpec()).append('\n');
        }
        return sb.toString();
    }

    /**
     * Loads the window's saved rules; a file that does not exist yet gives no rules.
     *
     * @throws IOException with a message naming the file and, for a bad rule, its position
     */
    public static List<Rule> load(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException("saved rules " + file + " are not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("rules").isArray()) {
            throw new IOException("saved rules " + file + " have no \"rules\" list");
        }
        int version = root.path("version").asInt(0);
        if (version < 1 || version > VERSION) {
            throw new IOException("saved rules " + file + " have version " + root.path("version")
                    + "; this Wirelens reads version " + VERSION);
        }
        List<Rule> rules = new ArrayList<>();
        int n = 0;
        for (JsonNode r : root.get("rules")) {
            n++;
            try {
                rules.add(new Rule(
                        DirectionFilter.parse(required(r, "direction")),
                        r.hasNonNull("listener") ? r.get("listener").asText() : null,
                        Rule.Kind.parse(required(r, "kind")),
                        required(r, "pattern"),
                        required(r, "replacement"),
                        !r.has("enabled") || r.get("enabled").asBoolean(true)));
            } catch (IllegalArgumentException e) {
                throw new IOException("saved rules " + file + ": rule " + n + ": " + e.getMessage());
            }
        }
        return rules;
    }

    private static String required(JsonNode rule, String field) {
        JsonNode v = rule.get(field);
        if (v == null || !v.isTextual()) {
            throw new RuleSyntaxException("missing text field \"" + field + "\"");
        }
        return v.asText();
    }

    /** Saves the rules, replacing the file in one step so a crash never leaves half a file. */
    public static void save(Path file, List<Rule> rules) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ArrayNode list = root.putArray("rules");
        for (Rule r : rules) {
            ObjectNode o = list.addObject();
            o.put("direction", r.direction().shortName());
            o.put("listener", r.listener());
            o.put("kind", r.kind().shortName());
            o.put("pattern", r.pattern());
            o.put("replacement", r.replacement());
            o.put("enabled", r.enabled());
        }
        AtomicFiles.write(file, JSON.writeValueAsBytes(root));
    }
}
