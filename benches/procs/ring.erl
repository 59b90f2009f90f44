%% The ring of ring.lull in Erlang: erl -noshell -s ring main N LAPS
-module(ring).
-export([main/1]).

node(Next, Done) ->
    receive
        0 -> Done ! done;
        K -> Next ! K - 1, node(Next, Done)
    end.

first(Done) -> receive Next -> node(Next, Done) end.

main([NA, LA]) ->
    N = list_to_integer(atom_to_list(NA)),
    Laps = list_to_integer(atom_to_list(LA)),
    Self = self(),
    First = spawn(fun() -> first(Self) end),
    Last = lists:foldl(fun(_, Next) -> spawn(fun() -> node(Next, Self) end) end, First, lists:seq(2, N)),
    First ! Last,
    First ! N * Laps,
    receive done -> ok end,
    io:format("~p~n", [N * Laps]),
    halt().
