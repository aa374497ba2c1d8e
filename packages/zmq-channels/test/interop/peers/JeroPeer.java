// A JeroMQ (pure Java ZMTP) peer speaking the interop tests' stdin/stdout JSON protocol
// (see packages/zmq-channels/test/interop/peers/peer.py). JeroMQ 0.3.6 (Debian): no CURVE,
// no PLAIN, no STREAM; its ipc:// is emulated over loopback tcp, so ipc is refused here.
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import org.zeromq.ZMQ;

public class JeroPeer {
  static final Map<String, Integer> TYPES = new HashMap<>();
  static {
    TYPES.put("pair", ZMQ.PAIR); TYPES.put("pub", ZMQ.PUB); TYPES.put("sub", ZMQ.SUB);
    TYPES.put("xpub", ZMQ.XPUB); TYPES.put("xsub", ZMQ.XSUB); TYPES.put("req", ZMQ.REQ);
    TYPES.put("rep", ZMQ.REP); TYPES.put("dealer", ZMQ.DEALER); TYPES.put("router", ZMQ.ROUTER);
    TYPES.put("push", ZMQ.PUSH); TYPES.put("pull", ZMQ.PULL);
  }
  static ZMQ.Context ctx = ZMQ.context(1);
  static Map<String, ZMQ.Socket> sockets = new LinkedHashMap<>();
  static PrintStream out;

  // ---- a minimal JSON reader/writer (objects, arrays, strings, numbers, booleans, null) ----
  static class P {
    final String s; int i = 0;
    P(String s) { this.s = s; }
    void ws() { while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++; }
    Object val() {
      ws(); char c = s.charAt(i);
      if (c == '{') { i++; Map<String, Object> m = new LinkedHashMap<>(); ws();
        if (s.charAt(i) == '}') { i++; return m; }
        for (;;) { ws(); String k = str(); ws(); i++; m.put(k, val()); ws();
          if (s.charAt(i++) == '}') return m; } }
      if (c == '[') { i++; List<Object> l = new ArrayList<>(); ws();
        if (s.charAt(i) == ']') { i++; return l; }
        for (;;) { l.add(val()); ws(); if (s.charAt(i++) == ']') return l; } }
      if (c == '"') return str();
      if (s.startsWith("true", i)) { i += 4; return true; }
      if (s.startsWith("false", i)) { i += 5; return false; }
      if (s.startsWith("null", i)) { i += 4; return null; }
      int st = i; while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
      return Double.parseDouble(s.substring(st, i));
    }
    String str() {
      StringBuilder b = new StringBuilder(); i++;
      for (;;) { char c = s.charAt(i++);
        if (c == '"') return b.toString();
        if (c == '\\') { char e = s.charAt(i++);
          switch (e) { case 'n': b.append('\n'); break; case 't': b.append('\t'); break;
            case 'r': b.append('\r'); break; case 'b': b.append('\b'); break; case 'f': b.append('\f'); break;
            case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
            default: b.append(e); } }
        else b.append(c); }
    }
  }
  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }
  static void reply(String json) { out.println(json); out.flush(); }
  static byte[] d(Object o) { return Base64.getDecoder().decode((String) o); }
  static String e(byte[] b) { return Base64.getEncoder().encodeToString(b); }

  @SuppressWarnings("unchecked")
  static String handle(Map<String, Object> cmd) throws Exception {
    String op = (String) cmd.get("op");
    switch (op) {
      case "open": {
        Integer t = TYPES.get((String) cmd.get("type"));
        if (t == null) throw new IllegalArgumentException("JeroMQ 0.3.6 has no socket type " + cmd.get("type"));
        for (String k : new String[] {"curveServerKey", "curveServer", "plainUsername", "plainServer"})
          if (cmd.containsKey(k) && cmd.get(k) != null && !Boolean.FALSE.equals(cmd.get(k)))
            throw new IllegalArgumentException("JeroMQ 0.3.6 has no security mechanisms (" + k + ")");
        String ep = (String) (cmd.containsKey("bind") ? cmd.get("bind") : cmd.get("connect"));
        if (!ep.startsWith("tcp://") && !ep.startsWith("inproc://"))
          throw new IllegalArgumentException("JeroMQ 0.3.6 ipc is emulated over tcp: not interoperable (" + ep + ")");
        ZMQ.Socket s = ctx.socket(t);
        s.setLinger(200);
        s.setSendTimeOut(2000);
        if (cmd.get("routingId") != null) s.setIdentity(((String) cmd.get("routingId")).getBytes(StandardCharsets.UTF_8));
        if (cmd.get("subscribe") != null) for (Object topic : (List<Object>) cmd.get("subscribe")) s.subscribe(d(topic));
        String endpoint;
        if (cmd.containsKey("bind")) {
          if (ep.endsWith(":*")) {
            int port = s.bindToRandomPort(ep.substring(0, ep.length() - 2));
            endpoint = ep.substring(0, ep.length() - 1) + port;
          } else { s.bind(ep); endpoint = ep; }
        } else { s.connect(ep); endpoint = ep; }
        sockets.put((String) cmd.get("id"), s);
        return "{\"ok\":true,\"endpoint\":" + q(endpoint) + "}";
      }
      case "closeAll":
        for (ZMQ.Socket s : sockets.values()) { s.setLinger(0); s.close(); }
        sockets.clear();
        return "{\"ok\":true}";
      case "exit":
        return "{\"ok\":true}";
    }
    ZMQ.Socket s = sockets.get((String) cmd.get("id"));
    if (s == null) throw new IllegalArgumentException("no socket " + cmd.get("id"));
    switch (op) {
      case "send": {
        List<Object> frames = (List<Object>) cmd.get("frames");
        for (int k = 0; k < frames.size(); k++)
          if (!s.send(d(frames.get(k)), k < frames.size() - 1 ? ZMQ.SNDMORE : 0))
            throw new IOException("send failed (timeout or refused) at frame " + k);
        return "{\"ok\":true}";
      }
      case "recv": {
        int ms = cmd.get("timeout") == null ? 1000 : (int) (double) (Double) cmd.get("timeout");
        s.setReceiveTimeOut(ms);
        byte[] first = s.recv(0);
        if (first == null) return "{\"ok\":true,\"timeout\":true}";
        StringBuilder b = new StringBuilder("{\"ok\":true,\"frames\":[").append(q(e(first)));
        s.setReceiveTimeOut(-1);
        while (s.hasReceiveMore()) b.append(',').append(q(e(s.recv(0))));
        return b.append("]}").toString();
      }
      case "subscribe": s.subscribe(d(cmd.get("topic"))); return "{\"ok\":true}";
      case "unsubscribe": s.unsubscribe(d(cmd.get("topic"))); return "{\"ok\":true}";
      case "close": sockets.remove((String) cmd.get("id")); s.setLinger(0); s.close(); return "{\"ok\":true}";
    }
    throw new IllegalArgumentException("unknown op " + op);
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    reply("{\"ready\":true,\"peer\":\"jeromq\",\"versions\":" + q("JeroMQ " + ZMQ.getVersionString() + " (Java " + System.getProperty("java.version") + ")") + "}");
    String line;
    while ((line = in.readLine()) != null) {
      Map<String, Object> cmd = (Map<String, Object>) new P(line).val();
      String r;
      try { r = handle(cmd); } catch (Throwable t) { r = "{\"ok\":false,\"error\":" + q(t.getClass().getSimpleName() + ": " + t.getMessage()) + "}"; }
      reply(r);
      if ("exit".equals(cmd.get("op"))) break;
    }
    for (ZMQ.Socket s : sockets.values()) { s.setLinger(0); s.close(); }
    ctx.term();
    System.exit(0);
  }
}
