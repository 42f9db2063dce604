package wirelens.ui.base;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** What the desktop's answers (as its commands print them) say about dark windows. */
class DesktopThemeTest {

    @Test
    void gnomeColorScheme() {
        assertTrue(DesktopTheme.isGnomeDark("'prefer-dark'\n"));
        assertFalse(DesktopTheme.isGnomeDark("'default'\n"));
        assertFalse(DesktopTheme.isGnomeDark("'prefer-light'\n"));
        assertFalse(DesktopTheme.isGnomeDark(""));
    }

    @Test
    void macInterfaceStyle() {
        assertTrue(DesktopTheme.isMacDark("Dark\n"));
        assertFalse(DesktopTheme.isMacDark("The domain/default pair of (kCFPreferencesAnyApplication, "
                + "AppleInterfaceStyle) does not exist\n"));
    }

    @Test
    void windowsAppsUseLightTheme() {
        String key = "\r\nHKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize\r\n";
        assertTrue(DesktopTheme.isWindowsDark(key + "    AppsUseLightTheme    REG_DWORD    0x0\r\n\r\n"));
        assertFalse(DesktopTheme.isWindowsDark(key + "    AppsUseLightTheme    REG_DWORD    0x1\r\n\r\n"));
        assertFalse(DesktopTheme.isWindowsDark("ERROR: The system was unable to find the specified registry key or value.\r\n"));
    }
}
