"""The Gradio web app (imported lazily by `jixiao serve`)."""
