Console.WriteLine("pipeline");
