package wirelens.intercept;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import wirelens.engine.Direction;

/** A {@link Rule} ready to apply to chunks: pattern compiled, replacement parsed. */
final class CompiledRule {
    private final String spec;
    private final DirectionFilter direction;
    private final String listener;
    private final BytePattern pattern;
    private final byte[] literalReplacement;
    private final List<Object> regexReplacement; // String (literal chars, one per byte) or Integer/String group refs

    private CompiledRule(String spec, DirectionFilter direction, String listener, BytePattern pattern,
            byte[] literalReplacement, List<Object> regexReplacement) {
        this.spec = spec;
        this.direction = direction;
        this.listener = listener;
        this.pattern = pattern;
        this.literalReplacement = literalReplacement;
        this.regexReplacement = regexReplacement;
    }

    static CompiledRule of(Rule rule) {
        return compile(rule.direction(), rule.listener(), rule.kind(), rule.pattern(), rule.replacement());
    }

    static CompiledRule compile(DirectionFilter direction, String listener, Rule.Kind kind, String pattern,
            String replacement) {
        BytePattern compiled = BytePattern.compile(kind, pattern);
        String spec = "rule " + direction.shortName() + ":" + kind.shortName() + ":/" + pattern + "/" + replacement + "/";
        return switch (kind) {
            case TEXT -> new CompiledRule(spec, direction, listener, compiled,
                    BytePattern.textBytes(replacement, "replacement"), null);
            case HEX -> new CompiledRule(spec, direction, listener, compiled,
                    BytePattern.hexBytes(replacement, "replacement"), null);
            case REGEX -> {
                Pattern p = ((BytePattern.Regex) compiled).pattern();
                yield new CompiledRule(spec, direction, listener, compiled, null, parseRegexReplacement(replacement, p));
            }
        };
    }

    boolean appliesTo(String listenerName, Direction d) {
        return direction.matches(d) && (listener == null || listener.equals(listenerName));
    }

    /** The rewritten bytes, or {@code data} itself when nothing matched. */
    byte[] apply(byte[] data) {
        if (pattern instanceof BytePattern.Literal literal) {
            return replaceLiteral(data, literal.needle());
        }
        return replaceRegex(data, ((BytePattern.Regex) pattern).pattern());
    }

    private byte[] replaceLiteral(byte[] data, byte[] needle) {
        int at = BytePattern.indexOf(data, needle, 0);
        if (at < 0) {
            return data;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + literalReplacement.length);
        int from = 0;
        while (at >= 0) {
            out.write(data, from, at - from);
            out.writeBytes(literalReplacement);
            from = at + needle.length;
            at = BytePattern.indexOf(data, needle, from);
        }
        out.write(data, from, data.length - from);
        return out.toByteArray();
    }

    private byte[] replaceRegex(byte[] data, Pattern p) {
        String text = BytePattern.latin1(data);
        Matcher m = p.matcher(new BoundedText(text, spec));
        if (!m.find()) {
            return data;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int from = 0;
        do {
            out.append(text, from, m.start());
            for (Object part : regexReplacement) {
                if (part instanceof Integer group) {
                    String g = m.group(group);
                    out.append(g == null ? "" : g);
                } else if (part instanceof GroupName name) {
                    String g = m.group(name.name());
                    out.append(g == null ? "" : g);
                } else {
                    out.append((String) part);
                }
            }
            from = m.end();
        } while (m.find());
        out.append(text, from, text.length());
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private record GroupName(String name) {}

    /**
     * Reads a regex replacement: {@code $N} and {@code ${name}} are groups; {@code \r \n \t \xNN}
     * are bytes; a backslash before punctuation (e.g. {@code \$}, {@code \\}) makes it literal;
     * other characters stand for their UTF-8 bytes.
     */
    private static List<Object> parseRegexReplacement(String r, Pattern p) {
        int groups = p.matcher("").groupCount();
        Set<String> names = groupNames(p.pattern());
        List<Object> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < r.length()) {
            char c = r.charAt(i);
            if (c == '$') {
                if (i + 1 < r.length() && r.charAt(i + 1) == '{') {
                    int close = r.indexOf('}', i + 2);
                    if (close < 0) {
                        throw new RuleSyntaxException("bad replacement: ${ at column " + (i + 1) + " has no closing }");
                    }
                    String name = r.substring(i + 2, close);
                    if (!names.contains(name)) {
                        throw new RuleSyntaxException("bad replacement: the regex has no group named '" + name + "'");
                    }
                    flush(literal, parts);
                    parts.add(new GroupName(name));
                    i = close + 1;
                } else if (i + 1 < r.length() && Character.isDigit(r.charAt(i + 1))) {
                    // like Java: take more digits while the number is still a group
                    int n = r.charAt(i + 1) - '0';
                    if (n > groups) {
                        throw new RuleSyntaxException("bad replacement: $" + n + " but the regex has "
                                + groups + (groups == 1 ? " group" : " groups"));
                    }
                    int j = i + 2;
                    while (j < r.length() && Character.isDigit(r.charAt(j)) && n * 10 + (r.charAt(j) - '0') <= groups) {
                        n = n * 10 + (r.charAt(j) - '0');
                        j++;
                    }
                    flush(literal, parts);
                    parts.add(n);
                    i = j;
                } else {
                    throw new RuleSyntaxException("bad replacement: $ at column " + (i + 1)
                            + " must be followed by a group number or {name}; write \\$ for a dollar sign");
                }
            } else if (c == '\\') {
                int end = i + 2;
                if (i + 1 < r.length() && r.charAt(i + 1) == 'x') {
                    end = i + 4;
                }
                if (end > r.length()) {
                    end = r.length();
                }
                byte[] bytes;
                try {
                    bytes = Escapes.unescape(r.substring(i, end));
                } catch (IllegalArgumentException e) {
                    // the escape was read on its own, so its column is relative to it
                    throw new RuleSyntaxException("bad replacement: "
                            + e.getMessage().replace("column 1", "column " + (i + 1)));
                }
                literal.append(new String(bytes, StandardCharsets.ISO_8859_1));
                i = end;
            } else {
                int cp = r.codePointAt(i);
                int n = Character.charCount(cp);
                literal.append(BytePattern.utf8AsLatin1(r.substring(i, i + n)));
                i += n;
            }
        }
        flush(literal, parts);
        return List.copyOf(parts);
    }

    private static void flush(StringBuilder literal, List<Object> parts) {
        if (literal.length() > 0) {
            parts.add(literal.toString());
            literal.setLength(0);
        }
    }

    /** Names of {@code (?<name>...)} groups (not lookbehinds). */
    private static Set<String> groupNames(String regex) {
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>").matcher(regex);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
