"""Understanding: caller words in, an `Understanding` frame out."""
