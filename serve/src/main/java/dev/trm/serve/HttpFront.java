package dev.trm.serve;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server's HTTP/1.1 side on Netty: reads whole requests, hands each to the routes as a
 * {@link Call}, and writes their {@link Reply} in request order on each connection (keep-alive and
 * pipelining as HTTP/1.1 says). Netty because it keeps reading every connection while its request
 * is being solved, so a caller who closes the connection is seen at once ({@link Call#gone()}),
 * which the JDK's server cannot report; and no thread waits for a step.
 *
 * <p>Bounded against slow and many callers: a request must arrive whole within the read timeout
 * (else 408 and the connection closes), an idle kept-alive connection closes after the idle timeout,
 * connections past the bound are closed at once, and a connection may pipeline at most
 * {@link #MAX_IN_FLIGHT} requests. With TLS, TLS 1.2 and 1.3 only; a plain request to the TLS port
 * closes its connection.
 */
final class HttpFront implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpFront.class.getName());
    /** Connections the listening socket may hold before they are accepted. */
    private static final int BACKLOG = 1024;
    /** The longest request line and all headers together, in bytes (more: 431/400 from the codec). */
    private static final int MAX_LINE_BYTES = 8192;
    private static final int MAX_HEADER_BYTES = 16384;
    /** Requests one connection may have waiting for their answers (pipelined); past it the connection closes. */
    static final int MAX_IN_FLIGHT = 64;
    /** The kernel's send buffer of a connection that carries a stream. */
    static final int STREAM_SEND_BUFFER_BYTES = 64 * 1024;

    private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers;
    private final Channel listener;
    /** Requests read whose answers are not yet written out (a drain waits for them). */
    private final AtomicInteger unanswered = new AtomicInteger();
    /** How often {@link #awaitAnswered} looks. */
    private static final long POLL_MILLIS = 5;

    /**
     * Binds and starts serving.
     *
     * @param routes answers a call (never fails: errors are replies)
     */
    HttpFront(ServeConfig config, SslContext tls, Function<Call, CompletableFuture<Reply>> routes, AccessLog log)
            throws InterruptedException {
        workers = new MultiThreadIoEventLoopGroup(config.httpThreads(), NioIoHandler.newFactory());
        ConnectionLimit limit = new ConnectionLimit(config.maxConnections());
        ServerBootstrap boot = new ServerBootstrap().group(acceptor, workers).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true) // an answer's headers and body never wait for a delayed ACK
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(limit);
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new RequestDeadline(config.readTimeout().toNanos()),
                                new IdleStateHandler(0, 0, config.idleTimeout().toNanos(), TimeUnit.NANOSECONDS),
                                new HttpServerCodec(MAX_LINE_BYTES, MAX_HEADER_BYTES, MAX_HEADER_BYTES),
                                new HttpServerKeepAliveHandler(), new BoundedBody(config.maxBodyBytes()), new Calls(routes, log, unanswered));
                    }
                });
        try {
            listener = boot.bind(new InetSocketAddress(config.host(), config.port())).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /**
     * Waits until every request read so far has its answer written to its connection (or the
     * connection closed), or the timeout.
     *
     * @return whether all were written in time
     */
    boolean awaitAnswered(java.time.Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (unanswered.get() > 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(POLL_MILLIS);
        }
        return true;
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static FullHttpResponse response(Reply reply) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                Unpooled.wrappedBuffer(reply.body()));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
        reply.headers().forEach(res.headers()::set);
        HttpUtil.setContentLength(res, reply.body().length);
        return res;
    }

    /** Closes connections past the bound as soon as they are accepted. */
    @ChannelHandler.Sharable
    private static final class ConnectionLimit extends ChannelInboundHandlerAdapter {
        private final int max;
        private final AtomicInteger open = new AtomicInteger();

        ConnectionLimit(int max) {
            this.max = max;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (open.incrementAndGet() > max) {
                LOG.fine(() -> "connection refused: " + max + " are open");
                ctx.close();
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }

    /**
     * A request must arrive whole within the read timeout, counted from its first byte: a caller that
     * sends a header now and then (slowloris) gets 408 and its connection closes.
     */
    private static final class RequestDeadline extends ChannelInboundHandlerAdapter {
        private final long nanos;
        private ScheduledFuture<?> timer;

        RequestDeadline(long nanos) {
            this.nanos = nanos;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (timer == null) {
                timer = ctx.executor().schedule(() -> expire(ctx), nanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(msg);
        }

        /** The request arrived whole. */
        void requestRead() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        private void expire(ChannelHandlerContext ctx) {
            Reply reply = Reply.error(new ApiError(ApiError.TIMEOUT, "the request did not arrive whole within the read timeout"));
            FullHttpResponse res = response(reply);
            HttpUtil.setKeepAlive(res, false);
            ctx.channel().writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            requestRead();
            ctx.fireChannelInactive();
        }
    }

    /** Netty's aggregator, with the server's JSON error for a body over the bound. */
    private static final class BoundedBody extends HttpObjectAggregator {
        BoundedBody(int maxBodyBytes) {
            super(maxBodyBytes);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            Reply reply = Reply.error(new ApiError(ApiError.TOO_LARGE, "the body is larger than " + maxContentLength() + " bytes"));
            FullHttpResponse res = response(reply);
            HttpUtil.setKeepAlive(res, false);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** One connection's calls: each to the routes, answers written in request order. */
    private static final class Calls extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Function<Call, CompletableFuture<Reply>> routes;
        private final AccessLog log;
        private final AtomicInteger unanswered;
        private final CompletableFuture<Void> gone = new CompletableFuture<>();
        /** The last answer written or waiting to be: the next is written after it. Event loop only. */
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
        private int inFlight;

        Calls(Function<Call, CompletableFuture<Reply>> routes, AccessLog log, AtomicInteger unanswered) {
            this.routes = routes;
            this.log = log;
            this.unanswered = unanswered;
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            gone.complete(null);
            ctx.fireChannelInactive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            long t0 = System.nanoTime();
            ctx.pipeline().get(RequestDeadline.class).requestRead();
            if (++inFlight > MAX_IN_FLIGHT) {
                ctx.close();
                return;
            }
            unanswered.incrementAndGet();
            String remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "";
            Call call = new Call(request.method().name(), new QueryStringDecoder(request.uri()).rawPath(), request.headers().copy(),
                    ByteBufUtil.getBytes(request.content()), remote, gone);
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            CompletableFuture<Reply> reply;
            if (request.decoderResult().isFailure()) {
                keepAlive = false;
                reply = CompletableFuture.completedFuture(Reply.error(new ApiError(ApiError.BAD_REQUEST, "not an HTTP/1.1 request")));
            } else {
                reply = answer(call);
            }
            boolean keep = keepAlive;
            tail = tail.thenCompose(done -> reply).thenComposeAsync(r -> write(ctx, call, r, keep, t0), ctx.executor());
        }

        private CompletableFuture<Reply> answer(Call call) {
            try {
                return routes.apply(call).exceptionally(e -> failed(call, e));
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(failed(call, e));
            }
        }

        private static Reply failed(Call call, Throwable e) {
            LOG.log(Level.WARNING, call.method() + " " + call.path() + " failed", e);
            return Reply.error(new ApiError(ApiError.FAILED, "the server failed on this request (its log says why)"));
        }

        /** Writes an answer; the future completes when the next answer on this connection may follow (a stream's end). */
        private CompletableFuture<Void> write(ChannelHandlerContext ctx, Call call, Reply reply, boolean keepAlive, long t0) {
            inFlight--;
            if (reply.streamed() != null) {
                return stream(ctx, call, reply, keepAlive, t0);
            }
            FullHttpResponse res = response(reply);
            HttpUtil.setKeepAlive(res, keepAlive);
            var written = ctx.writeAndFlush(res);
            written.addListener(done -> unanswered.decrementAndGet()); // written, or the connection failed
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            if (log != null) {
                log.write(call, reply, reply.body().length, t0);
            }
            return CompletableFuture.completedFuture(null);
        }

        /** The headers now, chunked; then each part as the body sends it, until it ends or the caller leaves. */
        private CompletableFuture<Void> stream(ChannelHandlerContext ctx, Call call, Reply reply, boolean keepAlive, long t0) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()));
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            reply.headers().forEach(head.headers()::set);
            HttpUtil.setTransferEncodingChunked(head, true);
            HttpUtil.setKeepAlive(head, keepAlive);
            ctx.writeAndFlush(head);
            CompletableFuture<Void> ended = new CompletableFuture<>();
            AtomicLong bytes = new AtomicLong();
            Channel channel = ctx.channel();
            // a fixed kernel send buffer (no autotuning to megabytes): with Netty's own bound, what a stream that
            // is not read can hold stays small, and past it step events are dropped (StepStream)
            channel.config().setOption(ChannelOption.SO_SNDBUF, STREAM_SEND_BUFFER_BYTES);
            channel.closeFuture().addListener(closed -> ended.complete(null));
            ended.thenRun(() -> {
                unanswered.decrementAndGet();
                if (log != null) {
                    log.write(call, reply, bytes.get(), t0);
                }
            });
            reply.streamed().open(new Reply.EventSink() {
                @Override
                public boolean writable() {
                    return channel.isWritable();
                }

                @Override
                public void send(java.util.function.Supplier<byte[]> part) {
                    channel.eventLoop().execute(() -> {
                        byte[] made = part.get();
                        bytes.addAndGet(made.length);
                        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(made)));
                    });
                }

                @Override
                public void end() {
                    channel.eventLoop().execute(() -> { // after the parts handed over before it
                        var last = channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                        last.addListener(done -> ended.complete(null));
                        if (!keepAlive) {
                            last.addListener(ChannelFutureListener.CLOSE);
                        }
                    });
                }
            });
            return ended;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent && inFlight == 0) {
                ctx.close(); // a kept-alive connection idle past the idle timeout
            } else {
                ctx.fireUserEventTriggered(event);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a plain request to the TLS port, a reset connection: this connection ends, the server goes on
            LOG.log(Level.FINE, "a connection failed", cause);
            ctx.close();
        }
    }
}
