%% The idle benchmark of idle.lull in Erlang: erl -noshell -s idle main N
%% prints the OS process's VmRSS (kB) with N procs waiting in receive.
-module(idle).
-export([main/1]).

rss() ->
    Status = os:cmd("grep VmRSS: /proc/" ++ os:getpid() ++ "/status"),
    [_, Kb | _] = string:tokens(Status, " \t\n"),
    Kb.

main([NA]) ->
    N = list_to_integer(atom_to_list(NA)),
    Self = self(),
    Pids = [spawn(fun() -> receive U -> Self ! U end end) || _ <- lists:seq(1, N)],
    erlang:yield(),
    io:format("~s~n", [rss()]),
    lists:foreach(fun(P) -> P ! 1 end, Pids),
    Sum = lists:sum([receive U -> U end || _ <- Pids]),
    io:format("~p~n", [Sum == N]),
    halt().
