package wirelens.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Formatting of host:port pairs, with IPv6 literals in brackets. */
public final class Hosts {
    private static final java.util.regex.Pattern IPV4 = java.util.regex.Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private Hosts() {}

    public static String format(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    public static String format(InetSocketAddress address) {
        if (address == null) {
            return "-";
        }
        InetAddress ip = address.getAddress();
        String host = ip != null ? ip.getHostAddress() : address.getHostString();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        if (ip instanceof java.net.Inet6Address) {
            host = compressIpv6(host);
        }
        return format(host, address.getPort());
    }

    /** RFC 5952 text form: leading zeros dropped, the longest run of zero groups as {@code ::}. */
    static String compressIpv6(String full) {
        String[] groups = full.split(":");
        if (groups.length != 8) {
            return full;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; i++) {
            groups[i] = groups[i].replaceFirst("^0+(?=.)", "");
            int j = i;
            while (j < 8 && groups[j].replaceFirst("^0+(?=.)", "").equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
        }
        if (bestStart < 0) {
            return String.join(":", groups);
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLength, 8));
        return head + "::" + tail;
    }

    /** True for an IPv4 or IPv6 literal, which resolves without a DNS lookup. */
    public static boolean isLiteral(String host) {
        return host.indexOf(':') >= 0 || IPV4.matcher(host).matches();
    }

    /** The address of a host that may be a name: resolved if it is a literal, unresolved otherwise. */
    public static InetSocketAddress addressOf(String host, int port) {
        if (isLiteral(host)) {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), port);
            } catch (java.net.UnknownHostException e) {
                return InetSocketAddress.createUnresolved(host, port);
            }
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    /** True when a listener bound here can be reached only from this machine. */
    public static boolean isLoopbackOnly(InetSocketAddress bound) {
        InetAddress ip = bound.getAddress();
        return ip != null && ip.isLoopbackAddress();
    }
}
