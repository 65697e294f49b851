#!/usr/bin/env escript
%% -*- erlang -*-
%%! +sbt u
%% Native reference for scenario 1: two Erlang processes exchange a number by message
%% (the pinger sends N, the ponger answers N+1). Erlang's messages are asynchronous, so a
%% round trip is two messages; the figures are per message, to stand beside one
%% rendezvous. Prints one JSON line: messages per second, p50/p99 per message from timed
%% batches, peak RSS (VmHWM).
%%
%%   escript pingpong.erl 2000
-mode(compile).

-define(BATCH, 256). % messages per timed batch (128 round trips)

main(Args) ->
    Ms = case Args of [A | _] -> list_to_integer(A); [] -> 2000 end,
    Ponger = spawn(fun ponger/0),
    Budget = erlang:convert_time_unit(Ms, millisecond, native),
    Now = erlang:monotonic_time(),
    {N1, _} = run_until(Ponger, 0, Now + Budget div 10, [], 0),
    T0 = erlang:monotonic_time(),
    {_, {Lat, Ops, T}} = measure(Ponger, N1, T0, T0 + Budget, [], 0),
    Sorted = lists:sort(Lat),
    Secs = erlang:convert_time_unit(T - T0, native, nanosecond) / 1.0e9,
    io:format("{\"perSecond\":~f,\"p50Us\":~f,\"p99Us\":~f,\"samples\":~b,\"maxRssBytes\":~b}~n",
              [Ops / Secs, quantile(Sorted, 0.5), quantile(Sorted, 0.99), Ops, vmhwm()]),
    halt(0).

ponger() ->
    receive
        {ping, N, From} -> From ! {pong, N + 1}, ponger();
        stop -> ok
    end.

rounds(_Ponger, N, 0) -> N;
rounds(Ponger, N, K) ->
    Ponger ! {ping, N, self()},
    receive
        {pong, M} when M =:= N + 1 -> rounds(Ponger, M, K - 1)
    end.

run_until(Ponger, N, End, Lat, Ops) ->
    N1 = rounds(Ponger, N, ?BATCH div 2),
    T = erlang:monotonic_time(),
    if T >= End -> {N1, {Lat, Ops, T}};
       true -> run_until(Ponger, N1, End, Lat, Ops)
    end.

measure(Ponger, N, T, End, Lat, Ops) ->
    N1 = rounds(Ponger, N, ?BATCH div 2),
    T1 = erlang:monotonic_time(),
    Us = erlang:convert_time_unit(T1 - T, native, nanosecond) / 1000 / ?BATCH,
    if T1 >= End -> {N1, {[Us | Lat], Ops + ?BATCH, T1}};
       true -> measure(Ponger, N1, T1, End, [Us | Lat], Ops + ?BATCH)
    end.

quantile(Sorted, Q) ->
    Len = length(Sorted),
    I = max(1, min(Len, ceil(Q * Len))),
    lists:nth(I, Sorted).

vmhwm() ->
    case file:read_file("/proc/self/status") of
        {ok, Bin} ->
            case re:run(Bin, "VmHWM:\\s+(\\d+) kB", [{capture, all_but_first, list}]) of
                {match, [Kb]} -> list_to_integer(Kb) * 1024;
                _ -> 0
            end;
        _ -> 0
    end.
