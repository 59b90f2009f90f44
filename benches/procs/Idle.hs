-- The idle benchmark of idle.lull with GHC's threads: ./Idle N prints the
-- OS process's VmRSS (kB) with N threads waiting in takeMVar.
import Control.Concurrent
import Control.Monad
import System.Environment

main :: IO ()
main = do
  [n] <- map read <$> getArgs
  done <- newChan
  vs <- replicateM n $ do
    v <- newEmptyMVar
    _ <- forkIO (takeMVar v >>= writeChan done)
    return v
  yield
  status <- readFile "/proc/self/status"
  putStrLn (unwords (drop 1 (words (head (filter (\l -> take 6 l == "VmRSS:") (lines status))))))
  mapM_ (\v -> putMVar v (1 :: Int)) vs
  xs <- replicateM n (readChan done)
  print (sum xs == n)
