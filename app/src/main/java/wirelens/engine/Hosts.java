package wirelens.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Formatting of host:port pairs, with IPv6 literals in brackets. */
public final class Hosts {
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
        return format(host, address.getPort());
    }

    /** True when a listener bound here can be reached only from this machine. */
    public static boolean isLoopbackOnly(InetSocketAddress bound) {
        InetAddress ip = bound.getAddress();
        return ip != null && ip.isLoopbackAddress();
    }
}
