-- The ring of ring.lull with GHC's threads and MVars: ./Ring N LAPS
import Control.Concurrent
import Control.Monad
import System.Environment

node :: MVar Int -> MVar Int -> MVar () -> IO ()
node inp out done = do
  n <- takeMVar inp
  if n == 0 then putMVar done () else putMVar out (n - 1) >> node inp out done

main :: IO ()
main = do
  [n, laps] <- map read <$> getArgs
  done <- newEmptyMVar
  vs <- replicateM n newEmptyMVar
  forM_ (zip vs (tail vs ++ [head vs])) $ \(i, o) -> forkIO (node i o done)
  putMVar (head vs) (n * laps)
  takeMVar done
  print (n * laps)
