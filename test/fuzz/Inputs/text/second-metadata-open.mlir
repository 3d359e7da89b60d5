"builtin.module"() ({}) : () -> ()
{-# #-}
{-#