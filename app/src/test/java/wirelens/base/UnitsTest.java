package wirelens.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class UnitsTest {

    @Test
    void bytesKeepFourSignificantDigitsAndBinaryUnits() {
        assertEquals("0 B", Units.bytes(0));
        assertEquals("9999 B", Units.bytes(9_999));
        assertEquals("9.8 KiB", Units.bytes(10_000));
        assertEquals("9.5 MiB", Units.bytes(10_000_000));
        assertEquals("9.31 GiB", Units.bytes(10_000_000_000L));
    }

    @Test
    void durationsHaveNoSpacesSoAColumnOfThemIsOneField() {
        assertEquals("0ms", Units.duration(400_000));
        assertEquals("999ms", Units.duration(999_999_999));
        assertEquals("1.0s", Units.duration(1_000_000_000L));
        assertEquals("599.9s", Units.duration(599_900_000_000L));
        assertEquals("1h02m03s", Units.duration(3_723_000_000_000L));
    }

    @Test
    void durationOptionsTakeAUnitOrSecondsAndReadBackShort() {
        assertEquals(300, Units.parseDuration("300ms"));
        assertEquals(60_000, Units.parseDuration("60"));
        assertEquals(1_500, Units.parseDuration("1.5s"));
        assertEquals(300_000, Units.parseDuration("5m"));
        assertEquals(7_200_000, Units.parseDuration("2H"));
        assertEquals(0, Units.parseDuration("0"));
        for (String bad : new String[] {"", "-5s", "5 minutes", "1e3", "ten", "5d", "99999999999999h"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Units.parseDuration(bad));
            assertTrue(e.getMessage().contains("not a duration"), e.getMessage());
        }
        assertEquals("300ms", Units.shortDuration(300));
        assertEquals("1500ms", Units.shortDuration(1_500));
        assertEquals("1s", Units.shortDuration(1_000));
        assertEquals("60s", Units.shortDuration(60_000));
        assertEquals("90s", Units.shortDuration(90_000));
        assertEquals("5m", Units.shortDuration(300_000));
        assertEquals("60m", Units.shortDuration(3_600_000));
        assertEquals("2h", Units.shortDuration(7_200_000));
        assertEquals("0s", Units.shortDuration(0));
    }

    @Test
    void clockIsLocalTimeWithMilliseconds() {
        long nanos = java.time.LocalDateTime.of(2026, 1, 2, 14, 3, 7, 412_000_000)
                .atZone(java.time.ZoneId.systemDefault()).toInstant().toEpochMilli() * 1_000_000L;
        assertEquals("14:03:07.412", Units.clock(nanos));
    }
}
