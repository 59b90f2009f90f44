%% The spawn benchmark of spawn.lull in Erlang: erl -noshell -s spawn main N
-module(spawn).
-export([main/1]).

collect(0, Acc) -> Acc;
collect(K, Acc) -> receive I -> collect(K - 1, Acc + I) end.

main([NA]) ->
    N = list_to_integer(atom_to_list(NA)),
    Self = self(),
    lists:foreach(fun(I) -> spawn(fun() -> Self ! I end) end, lists:seq(1, N)),
    io:format("~p~n", [collect(N, 0)]),
    halt().
