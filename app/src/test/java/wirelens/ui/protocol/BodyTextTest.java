package wirelens.ui.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.fxmisc.richtext.model.StyleSpan;
import org.fxmisc.richtext.model.StyleSpans;
import org.junit.jupiter.api.Test;

class BodyTextTest {
    /** Each styled run as "class:text", to read a result at a glance; checks the spans cover the text. */
    static List<String> runs(String text, StyleSpans<Collection<String>> spans) {
        List<String> out = new ArrayList<>();
        int at = 0;
        for (StyleSpan<Collection<String>> span : spans) {
            String part = text.substring(at, at + span.getLength());
            at += span.getLength();
            if (!span.getStyle().isEmpty()) {
                out.add(String.join(",", span.getStyle()) + ":" + part);
            }
        }
        assertEquals(text.length(), at, "the spans cover the whole text");
        return out;
    }

    @Test
    void jsonKeysStringsNumbersAndLiteralsAreToldApart() {
        String json = "{\n  \"name\" : \"wire\\\"lens\",\n  \"n\" : -1.5e3,\n  \"ok\" : [ true, false, null ]\n}";
        assertEquals(List.of("wl-json-key:\"name\"", "wl-json-string:\"wire\\\"lens\"", "wl-json-key:\"n\"",
                "wl-json-number:-1.5e3", "wl-json-key:\"ok\"", "wl-json-literal:true", "wl-json-literal:false",
                "wl-json-literal:null"), runs(json, BodyText.json(json)));
    }

    @Test
    void brokenJsonIsStyledAsFarAsItGoesAndNeverThrows() {
        String broken = "{\"open\n\"x\": tru";
        assertEquals(List.of("wl-json-string:\"open", "wl-json-key:\"x\""), runs(broken, BodyText.json(broken)));
        assertEquals(List.of(), runs("", BodyText.json("")));
    }

    @Test
    void hexDumpColumns() {
        String dump = HttpView.hexDump("hello, world".getBytes(), 64);
        assertEquals(List.of("wl-hex-offset:00000000", "wl-hex-ascii:hello, world"), runs(dump, BodyText.hex(dump)));
    }
}
