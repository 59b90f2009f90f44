-- The spawn benchmark of spawn.lull with GHC's threads: ./Spawn N
import Control.Concurrent
import Control.Monad
import System.Environment

main :: IO ()
main = do
  [n] <- map read <$> getArgs
  c <- newChan
  forM_ [1 .. n] $ \i -> forkIO (writeChan c (i :: Int))
  xs <- replicateM n (readChan c)
  print (sum xs)
