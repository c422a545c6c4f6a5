from deskctl.launch import main

main()
