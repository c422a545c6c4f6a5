"""People: staff and the acting user (`staff`), training (`training`), discipline and
commendation records (`records`), supervisor reviews (`reviews`), improvement actions
(`improvements`)."""
