package wirelens.ui.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import wirelens.engine.ListenerConfig;
import wirelens.engine.ListenerTls;
import wirelens.engine.SocksCredentials;

class ListenerSettingsTest {
    @TempDir
    Path dir;

    @Test
    void savedListenersComeBack() throws Exception {
        ListenerSettings settings = new ListenerSettings(dir.resolve("sub/listeners.json"));
        ListenerSettings.Loaded first = settings.load();
        assertFalse(first.existed());
        assertTrue(first.listeners().isEmpty());
        ListenerConfig smtp = ListenerConfig.forward("127.0.0.1", 2626, "::1", 2525);
        settings.save(List.of(ListenerSettings.Saved.of(smtp, true),
                ListenerSettings.Saved.of(smtp.withName("off"), false)));
        ListenerSettings.Loaded again = settings.load();
        assertTrue(again.existed());
        assertNull(again.problem());
        assertEquals(smtp, again.listeners().get(0).config());
        assertTrue(again.listeners().get(0).running());
        assertFalse(again.listeners().get(1).running());
    }

    @Test
    void eachListenersTlsOptionsAreSavedAndOlderFilesStillLoad() throws Exception {
        Path file = dir.resolve("listeners.json");
        ListenerSettings settings = new ListenerSettings(file);
        ListenerConfig proxy = ListenerConfig.http("127.0.0.1", 8080)
                .withTls(ListenerTls.of(true, List.of("bank\\.example", ":8443$")));
        ListenerConfig off = ListenerConfig.forward("127.0.0.1", 8465, "mail.example", 465)
                .withTls(new ListenerTls(false, List.of()));
        settings.save(List.of(ListenerSettings.Saved.of(proxy, true), ListenerSettings.Saved.of(off, false)));
        List<ListenerSettings.Saved> back = settings.load().listeners();
        assertEquals(proxy, back.get(0).config());
        assertEquals(List.of("bank\\.example", ":8443$"), back.get(0).config().tls().expressions());
        assertFalse(back.get(1).config().tls().intercept());

        // as written before listeners had TLS options of their own
        Files.writeString(file, "[{\"name\": \"old\", \"kind\": \"forward\", \"bindHost\": \"127.0.0.1\","
                + " \"bindPort\": 2626, \"targetHost\": \"h\", \"targetPort\": 25, \"running\": true}]");
        ListenerSettings.Loaded old = settings.load();
        assertNull(old.problem());
        assertEquals(ListenerTls.DEFAULT, old.listeners().get(0).config().tls());

        Files.writeString(file, "[{\"name\": \"bad\", \"kind\": \"http\", \"bindHost\": \"127.0.0.1\","
                + " \"bindPort\": 2626, \"running\": true, \"tlsPassthrough\": [\"(\"]}]");
        ListenerSettings.Loaded bad = settings.load();
        assertTrue(bad.listeners().isEmpty());
        assertTrue(bad.problem().contains("not a regular expression"), bad.problem());
    }

    @Test
    void aSocksListenersLoginIsSavedAsGivenInAFileOnlyItsOwnerReads() throws Exception {
        Path file = dir.resolve("listeners.json");
        ListenerSettings settings = new ListenerSettings(file);
        ListenerConfig socks = ListenerConfig.socks("0.0.0.0", 1080, new SocksCredentials("alice", "p\u00e4ss:c0de"));
        ListenerConfig open = ListenerConfig.socks("127.0.0.1", 1081, null);
        settings.save(List.of(ListenerSettings.Saved.of(socks, true), ListenerSettings.Saved.of(open, false)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        List<ListenerSettings.Saved> back = settings.load().listeners();
        assertEquals(socks, back.get(0).config());
        assertEquals("p\u00e4ss:c0de", back.get(0).config().socksAuth().password());
        assertEquals(open, back.get(1).config());
        assertNull(back.get(1).config().socksAuth());
        assertFalse(socks.toString().contains("c0de"), "a config that is logged does not show the password");
    }

    @Test
    void aBrokenFileIsReportedNotThrown() throws Exception {
        Path file = dir.resolve("listeners.json");
        Files.writeString(file, "[{\"name\": \"x\", \"bindPort\": ");
        ListenerSettings.Loaded loaded = new ListenerSettings(file).load();
        assertTrue(loaded.existed());
        assertTrue(loaded.listeners().isEmpty());
        assertTrue(loaded.problem().contains("not a valid listener list"), loaded.problem());

        Files.writeString(file, "[{\"name\": \"bad\", \"kind\": \"forward\", \"bindHost\": \"127.0.0.1\", \"bindPort\": 99999,"
                + " \"targetHost\": \"h\", \"targetPort\": 1, \"running\": true}]");
        loaded = new ListenerSettings(file).load();
        assertTrue(loaded.listeners().isEmpty());
        assertTrue(loaded.problem().contains("bad"), loaded.problem());
    }

    @Test
    void theConfigDirectoryCanBeOverridden() {
        String before = System.getProperty(ListenerSettings.CONFIG_DIR_PROPERTY);
        try {
            System.setProperty(ListenerSettings.CONFIG_DIR_PROPERTY, dir.toString());
            assertEquals(dir.resolve("listeners.json"), ListenerSettings.inUserConfigDir().file());
        } finally {
            if (before == null) {
                System.clearProperty(ListenerSettings.CONFIG_DIR_PROPERTY);
            } else {
                System.setProperty(ListenerSettings.CONFIG_DIR_PROPERTY, before);
            }
        }
    }
}
